// The theme toggle: system -> light -> dark -> system, remembered in this browser.
(function () {
  "use strict";
  var root = document.documentElement, key = "grader-theme", names = { "": "system", light: "light", dark: "dark" };
  function apply(theme) {
    if (theme) { root.setAttribute("data-theme", theme); } else { root.removeAttribute("data-theme"); }
    document.querySelectorAll(".theme-toggle").forEach(function (button) {
      button.textContent = "Theme: " + names[theme || ""];
      button.setAttribute("aria-pressed", theme ? "true" : "false");
    });
    document.dispatchEvent(new Event("themechange"));
  }
  var saved = "";
  try { saved = localStorage.getItem(key) || ""; } catch (e) { saved = ""; }
  apply(saved);
  document.querySelectorAll(".theme-toggle").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = { "": "light", light: "dark", dark: "" }[root.getAttribute("data-theme") || ""];
      try { localStorage.setItem(key, next); } catch (e) { /* private mode: this page only */ }
      apply(next);
    });
  });
})();
