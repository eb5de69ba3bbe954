// Show and hide conditional questions at once as answers change. The server
// applies the same conditions, so the form still works without this script.
// A condition on a question of an earlier page uses that page's saved answer,
// which the page carries (data-condition-earlier): the script never hides a
// question the server will ask for.
document.addEventListener("DOMContentLoaded", () => {
  const wrappers = document.querySelectorAll("[data-condition-question]");
  if (!wrappers.length) {
    return;
  }
  // Hints saying when to answer a question are for people without this script.
  document.querySelectorAll("[data-condition-hint]").forEach((hint) => {
    hint.hidden = true;
  });
  const currentValues = (wrapper) => {
    const inputs = document.querySelectorAll(`[name="${wrapper.dataset.conditionQuestion}"]`);
    if (!inputs.length) {
      return JSON.parse(wrapper.dataset.conditionEarlier || "[]");
    }
    const values = [];
    inputs.forEach((input) => {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) {
        return;
      }
      if (input.closest("[hidden]")) {
        return;
      }
      values.push(input.value);
    });
    return values;
  };
  const update = () => {
    // In page order, so a question that depends on a hidden one is hidden too.
    wrappers.forEach((wrapper) => {
      const wanted = JSON.parse(wrapper.dataset.conditionValues);
      wrapper.hidden = !currentValues(wrapper).some((value) => wanted.includes(value));
    });
  };
  document.addEventListener("change", update);
  update();
});

// Stopwatch for timed questions (start when dialling, stop when a person
// answers). It fills the minutes and seconds boxes, which can still be typed.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-duration]").forEach((box) => {
    const panel = box.querySelector("[data-stopwatch]");
    const startButton = box.querySelector("[data-stopwatch-start]");
    const stopButton = box.querySelector("[data-stopwatch-stop]");
    const status = box.querySelector("[data-stopwatch-status]");
    const [minutes, seconds] = box.querySelectorAll("input");
    let started = null;
    let timer = null;
    const show = () => {
      const elapsed = Math.round((Date.now() - started) / 1000);
      minutes.value = Math.floor(elapsed / 60);
      seconds.value = elapsed % 60;
      return elapsed;
    };
    panel.hidden = false;
    startButton.addEventListener("click", () => {
      started = Date.now();
      startButton.hidden = true;
      stopButton.hidden = false;
      status.textContent = status.dataset.timing || "Timing…";
      timer = window.setInterval(show, 1000);
      stopButton.focus();
    });
    stopButton.addEventListener("click", () => {
      window.clearInterval(timer);
      const elapsed = show();
      stopButton.hidden = true;
      startButton.hidden = false;
      startButton.textContent = status.dataset.startAgain || "Start again";
      status.textContent = (status.dataset.stoppedAt || "Stopped at {minutes} min {seconds} s.")
        .replace("{minutes}", Math.floor(elapsed / 60))
        .replace("{seconds}", elapsed % 60);
    });
  });
});

// Answers saved as they are typed. Without JavaScript the buttons do the same.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosave]");
  if (!form) {
    return;
  }
  const status = form.querySelector("[data-autosave-status]");
  let timer = null;
  const save = async () => {
    try {
      const response = await fetch(form.dataset.autosave, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
      });
      if (response.ok) {
        status.textContent = status.dataset.saved || "Your answers are saved.";
      } else {
        const reply = await response.json().catch(() => ({}));
        const notSaved = status.dataset.notSaved || "Not saved yet: {message}";
        status.textContent = reply.message ? notSaved.replace("{message}", reply.message) : "";
      }
    } catch {
      status.textContent =
        status.dataset.offline ||
        "Not saved yet: you seem to be offline. Your answers will be saved when you press a button.";
    }
  };
  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 800);
  };
  form.addEventListener("change", later);
  form.addEventListener("input", later);
});
