// Inside a frame on the clinic's own site: tell the host page how tall this page is, so that the
// frame fits it (static/embed.js on the host listens). Only the sites the guide lists receive it.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var origins = (document.body.getAttribute("data-embed-origins") || "").split(" ").filter(Boolean);
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    origins.forEach(function (origin) {
      window.parent.postMessage({ guide: "height", height: height }, origin);
    });
  }
  // The host's script asks once it has loaded, in case it missed the first report.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && origins.indexOf(event.origin) >= 0 && event.data && event.data.guide === "measure") {
      last = 0;
      report();
    }
  });
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.documentElement); }
  window.addEventListener("load", report);
  report();
})();
