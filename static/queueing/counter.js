/* Counter tablet: refresh at once when the display's event stream reports something
   about this window (a call, a pause); htmx also polls every 5 s as a fallback. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("counter");
    if (!root || !window.EventSource) return;
    var mine = Number(root.getAttribute("data-window"));
    var source = new EventSource(root.getAttribute("data-events"));
    function onEvent(event) {
      try {
        var data = JSON.parse(event.data);
        if (Number(data.window) === mine && window.htmx) window.htmx.trigger(root, "counter-refresh");
      } catch (e) { /* a malformed event is ignored; polling catches up */ }
    }
    ["call", "recall", "window"].forEach(function (name) { source.addEventListener(name, onEvent); });
  });
})();
