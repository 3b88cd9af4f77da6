/* Keyboard shortcuts of the teller's workstation: F1 call next (or resume), F2 start,
   F3 recall, F4 complete — the buttons carry data-shortcut. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (!/^F[1-4]$/.test(event.key)) return;
    var target = event.target;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    var button = document.querySelector('#ws-panel button[data-shortcut="' + event.key + '"]:not([disabled])');
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
