// Small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // GOV.UK error summary pattern: move focus to the summary so screen reader
  // and keyboard users hear what went wrong first.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
