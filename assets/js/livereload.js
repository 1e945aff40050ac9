// Live reload for `generator serve` only (never in a published build): the
// preview server sends "reload" after a rebuild, or "error:<message>" when a
// rebuild failed, over Server-Sent Events.
(function () {
  "use strict";
  var es = new EventSource("/__livereload");
  var banner = null;
  es.onmessage = function (ev) {
    if (ev.data === "reload") {
      location.reload();
      return;
    }
    if (ev.data.indexOf("error:") === 0) {
      if (!banner) {
        banner = document.createElement("pre");
        banner.className = "build-error";
        banner.setAttribute("role", "alert");
        document.body.insertBefore(banner, document.body.firstChild);
      }
      banner.textContent = "Build failed; showing the last good build.\n\n" + ev.data.slice(6).split("\\n").join("\n");
    }
  };
})();
