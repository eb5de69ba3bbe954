// Show and hide conditional questions at once as answers change. The server
// applies the same conditions, so the form still works without this script.
document.addEventListener("DOMContentLoaded", () => {
  const wrappers = document.querySelectorAll("[data-condition-question]");
  if (!wrappers.length) {
    return;
  }
  const currentValues = (name) => {
    const inputs = document.querySelectorAll(`[name="${name}"]`);
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
    wrappers.forEach((wrapper) => {
      const wanted = JSON.parse(wrapper.dataset.conditionValues);
      const shown = currentValues(wrapper.dataset.conditionQuestion).some((value) => wanted.includes(value));
      wrapper.hidden = !shown;
    });
  };
  document.addEventListener("change", update);
  update();
});
