// For the clinic's own page, served by the guide: fits each guide frame (iframe[data-guide]) to its
// content, from the heights the guide's pages report. Messages from any other origin are ignored.
(function () {
  "use strict";
  var guide = new URL(document.currentScript.src).origin;
  function frames() {
    return Array.prototype.filter.call(document.querySelectorAll("iframe[data-guide]"), function (frame) {
      return new URL(frame.src, window.location.href).origin === guide;
    });
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== guide || !event.data || event.data.guide !== "height") { return; }
    var height = Math.ceil(Number(event.data.height));
    if (!(height > 0 && height < 100000)) { return; }
    frames().forEach(function (frame) {
      if (frame.contentWindow === event.source) {
        frame.setAttribute("scrolling", "no");
        frame.style.height = height + "px";
      }
    });
  });
  frames().forEach(function (frame) {
    function ask() { frame.contentWindow.postMessage({ guide: "measure" }, guide); }
    frame.addEventListener("load", function () {
      ask();
      // A new page of the guide starts at its top, as it would outside a frame.
      if (frame.getBoundingClientRect().top < 0) { frame.scrollIntoView(); }
    });
    ask();
  });
})();
