// One-time notice form: the channel decides what can be ticked and which phrases show.
// The page works without this script (the server checks the same rules).
(function () {
  "use strict";
  var form = document.getElementById("notice-form");
  if (!form) return;

  function channel() {
    var checked = form.querySelector("input[name=channel]:checked");
    return checked ? checked.value : "counter";
  }

  function sync() {
    var phone = channel() === "phone";
    form.querySelectorAll("input[data-brought]").forEach(function (input) {
      input.disabled = phone;
      if (phone && input.checked) {
        var missing = input.closest(".seg").querySelector("input[value=missing]");
        if (missing) missing.checked = true;
      }
    });
    form.querySelectorAll("[data-phone-only]").forEach(function (el) { el.hidden = !phone; });
    form.querySelectorAll("[data-counter-only]").forEach(function (el) { el.hidden = phone; });
    form.querySelectorAll("[data-channel-only]").forEach(function (el) {
      el.hidden = el.getAttribute("data-channel-only") !== channel();
    });
    form.querySelectorAll(".mat-row").forEach(function (row) {
      var checked = row.querySelector(".seg input:checked");
      row.setAttribute("data-status", checked ? checked.value : "missing");
    });
  }

  form.addEventListener("change", sync);
  sync();
})();
