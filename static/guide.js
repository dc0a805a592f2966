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
  // A tap on the clinic's phone link is counted (a beacon to the guide itself, saying only which page it was on).
  var script = document.currentScript;
  if (script && navigator.sendBeacon && document.body.classList.contains("patient")) {
    var tapUrl = script.src.replace(/(\/embed)?\/static\/guide\.js(\?.*)?$/, "/count/tap");
    var page = document.body.classList.contains("page-result") ? "result"
      : /\/get-help-now$/.test(window.location.pathname) ? "emergency" : "other";
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href^="tel:+"]');
      if (link) { navigator.sendBeacon(tapUrl, new URLSearchParams({ page: page })); }
    });
  }
  // Links in the error summary focus the radio they name.
  document.querySelectorAll(".error-summary a").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
    });
  });
})();
