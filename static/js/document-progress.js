// While a report is being made, show its progress without reloading, then show the report.
// Without JavaScript the page offers a "refresh this page" link instead.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("[data-document-progress]");
  if (!section) {
    return;
  }
  const bar = section.querySelector("progress");
  const step = section.querySelector("[data-document-step]");
  const statusUrl = section.dataset.statusUrl;
  // The words come from the page, in its language (data- attributes the template translates).
  const words = document.querySelector("[data-document-step]").dataset;
  const labels = { queued: words.waiting || "Waiting to start", running: words.running || "Being made" };
  const stepText = words.template || "{status}: {step} ({progress}% done).";

  const check = async () => {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      const state = await response.json();
      if (state.done) {
        window.location.reload();
        return;
      }
      bar.value = state.progress;
      bar.textContent = `${state.progress}%`;
      const text = stepText
        .replace("{status}", labels[state.status] || state.status)
        .replace("{step}", state.step)
        .replace("{progress}", state.progress);
      // Only a change is announced, so a screen reader is not told the same thing every two seconds.
      if (step.textContent !== text) {
        step.textContent = text;
      }
    } catch (error) {
      // A lost connection is retried; the refresh link still works.
    }
    window.setTimeout(check, 2000);
  };
  window.setTimeout(check, 1000);
});
