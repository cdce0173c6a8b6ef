// Polls the submission's status until it is final, then reloads the page to show the report.
// (A separate file: the Content-Security-Policy allows no inline scripts.)
(function () {
  "use strict";
  var card = document.getElementById("status");
  if (!card) { return; }
  var url = card.getAttribute("data-status-url");
  var shown = card.getAttribute("data-status");
  var delay = 1000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.final || state.status !== shown) { window.location.reload(); return; }
        var position = document.getElementById("position");
        if (position && state.position) { position.textContent = "— position " + state.position + " in the queue"; }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);   // the server is busy or down: back off, keep trying
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
