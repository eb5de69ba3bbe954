// On the review page: choosing a standard comment puts its text in the comment box, to edit before sending.
// Without JavaScript the chosen comment is added to the text on the server.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("[data-standard-comment]")) {
    const box = select.form && select.form.querySelector("textarea[name='comment']");
    if (!box) {
      continue;
    }
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      if (option && option.dataset.text) {
        box.value = option.dataset.text;
        box.focus();
      }
    });
  }
});
