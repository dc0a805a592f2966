// Small enhancements; everything works without them.
(function () {
  "use strict";
  // Move focus to the error summary so screen readers announce it.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
  // A print button appears only where the browser can print.
  var print = document.querySelector("[data-print]");
  if (print && window.print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  // Links in the error summary focus the radio they name.
  document.querySelectorAll(".error-summary a").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
    });
  });
})();
