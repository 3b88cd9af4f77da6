/* A citizen's ticket page (/t/<token>/, from the slip's QR code): the stream
   /t/<token>/events/ (pushed by the stream server, issue 16) says when this ticket moves
   (called, recalled, served, passed over, transferred) — the page refreshes at once — or
   when a ticket of its business is called (the line moved): then it refreshes within a
   few seconds, spread out so that a hall's phones do not all ask at the same moment.
   Without the stream (an old browser, the server restarting) the page polls every 5 s;
   with it, once a minute as a safety net. */
(function () {
  "use strict";
  var LINE_DELAY_MS = 2000, LINE_SPREAD_MS = 3000, FALLBACK_MS = 5000;

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("ticket-status");
    if (!box || !box.getAttribute("data-events") || !window.htmx) return;
    var url = box.getAttribute("data-events");
    var pending = null, fallback = null, source = null;

    function finished() {
      var card = box.querySelector("[data-status]");
      var status = card && card.getAttribute("data-status");
      return status === "done" || status === "cancelled";
    }
    function refresh() {
      clearTimeout(pending); pending = null;
      window.htmx.trigger(box, "ticket-refresh");
    }
    function refreshSoon() {
      if (pending) return;
      pending = setTimeout(refresh, LINE_DELAY_MS + Math.random() * LINE_SPREAD_MS);
    }
    function down() { if (!fallback) fallback = setInterval(refresh, FALLBACK_MS); }
    function up() { if (fallback) { clearInterval(fallback); fallback = null; } }

    function connect() {
      if (finished()) return;
      source = new EventSource(url);
      source.addEventListener("open", up);
      source.addEventListener("update", function (event) {
        var data = {};
        try { data = JSON.parse(event.data); } catch (e) { /* refresh anyway */ }
        if (data.reason === "line") refreshSoon(); else refresh();
      });
      source.addEventListener("error", function () {
        if (finished()) { source.close(); up(); return; }
        down();
        if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000 + Math.random() * 3000);
      });
    }

    // A finished ticket needs no stream: close it after the refresh that shows it.
    box.addEventListener("htmx:afterSwap", function () {
      if (finished() && source) { source.close(); source = null; up(); }
    });
    if (!window.EventSource) { down(); return; }
    connect();
  });
})();
