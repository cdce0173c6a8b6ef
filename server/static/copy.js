// Buttons that copy a text field to the clipboard (data-copy="#id") or save it as a file
// (data-download="#id" data-filename="x.csv"); hidden until this script shows them.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.querySelector(button.dataset.copy);
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { button.textContent = "Copied"; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(source.value).then(done, function () { source.select(); document.execCommand("copy"); done(); });
      } else { source.select(); document.execCommand("copy"); done(); }
    });
  });
  document.querySelectorAll("[data-download]").forEach(function (link) {
    var source = document.querySelector(link.dataset.download);
    if (!source) return;
    link.href = URL.createObjectURL(new Blob([source.value], { type: "text/csv" }));
    link.download = link.dataset.filename || "download.csv";
    link.hidden = false;
  });
})();
