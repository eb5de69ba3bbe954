// Staff are signed out after a spell without any request. Someone typing a long text makes no
// request while they type, so while they type, tell the server now and then that they are still here.
// Without JavaScript the idle timeout simply counts page loads and form posts.
(() => {
  const script = document.currentScript;
  const url = script && script.dataset.stillHereUrl;
  const everyMilliseconds = 5 * 60 * 1000;
  let lastSent = 0;

  const stillHere = () => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!url || !token || Date.now() - lastSent < everyMilliseconds) {
      return;
    }
    lastSent = Date.now();
    fetch(url, { method: "POST", headers: { "X-CSRFToken": token.value }, credentials: "same-origin" }).catch(() => {
      // Offline for a moment: the next keystroke tries again after the interval.
    });
  };
  document.addEventListener("input", stillHere);
})();
