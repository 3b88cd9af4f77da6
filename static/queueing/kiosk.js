/* Kiosk (取号机) and slip behaviour: clock, on-screen keypad, one ticket per touch,
   return to the start page when idle, print the slip. No external assets. */
(function () {
  "use strict";
  var IDLE_SECONDS = 60;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function startClock() {
    var el = document.querySelector("[data-clock]");
    if (!el) return;
    // Beijing time whatever the device's time zone (China has no daylight saving time).
    function tick() { var d = new Date(Date.now() + 8 * 3600 * 1000); el.textContent = pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()); }
    tick();
    setInterval(tick, 1000);
  }

  // A second touch while the first request is on its way must not take a second ticket.
  function oneSubmitPerForm() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent) { event.preventDefault(); return; }
        form.dataset.sent = "1";
        // Keep the clicked button's name/value: disable the others after this tick.
        setTimeout(function () {
          form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });
  }

  function keypad() {
    var pad = document.querySelector("[data-keypad]");
    var input = document.querySelector("[data-keypad-target]");
    if (!pad || !input) return;
    pad.addEventListener("click", function (event) {
      var key = event.target.getAttribute("data-key");
      if (!key) return;
      if (key === "back") input.value = input.value.slice(0, -1);
      else if (input.value.length < 18) input.value += key;
      input.focus();
    });
  }

  function idleReturn() {
    var main = document.querySelector("[data-home]");
    if (!main) return;
    var step = main.getAttribute("data-step");
    if (main.hasAttribute("data-slip")) return;
    if (step === "category") {
      // The start page shows waiting counts and estimates: keep them fresh while idle.
      var touched = Date.now();
      document.addEventListener("pointerdown", function () { touched = Date.now(); });
      setInterval(function () { if (Date.now() - touched > 30000) window.location.reload(); }, 30000);
      return;
    }
    var last = Date.now();
    ["pointerdown", "keydown"].forEach(function (name) { document.addEventListener(name, function () { last = Date.now(); }); });
    setInterval(function () {
      if (Date.now() - last > IDLE_SECONDS * 1000) window.location.href = main.getAttribute("data-home");
    }, 2000);
  }

  function slip() {
    var main = document.querySelector("[data-slip]");
    if (!main) return;
    var button = document.querySelector("[data-print]");
    if (button) button.addEventListener("click", function () { window.print(); });
    // A kiosk runs Chromium with --kiosk-printing: print() goes straight to the thermal printer.
    if (main.hasAttribute("data-autoprint")) setTimeout(function () { window.print(); }, 300);
    var left = 20, counter = document.querySelector("[data-countdown]");
    setInterval(function () {
      left -= 1;
      if (counter) counter.textContent = String(Math.max(left, 0));
      if (left <= 0) window.location.href = main.getAttribute("data-home");
    }, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    startClock(); oneSubmitPerForm(); keypad(); idleReturn(); slip();
  });
})();
