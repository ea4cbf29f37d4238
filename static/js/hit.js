// Counts this reading of the article for "most read" (readership/counting.py): one small POST that no cache
// keeps, sent once the page is shown. No cookie is read or set.
(function () {
  var script = document.currentScript;
  var url = script && script.getAttribute("data-hit");
  if (!url) {
    return;
  }
  function send() {
    if (navigator.sendBeacon && navigator.sendBeacon(url)) {
      return;
    }
    if (window.fetch) {
      fetch(url, { method: "POST", credentials: "omit", keepalive: true }).catch(function () {});
    }
  }
  if (document.visibilityState === "prerender") {
    document.addEventListener("visibilitychange", send, { once: true });
  } else {
    send();
  }
})();
