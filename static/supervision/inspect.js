// The inspection sheet: keep the score in view while items are ticked, and put the
// person signed in at a window into the staff field when the window is chosen.
(function () {
  "use strict";
  function update(form) {
    var full = parseInt(form.dataset.full, 10) || 100;
    var weight = parseFloat(form.dataset.weight) || 0;
    var lost = 0, count = 0;
    form.querySelectorAll("input[data-points]:checked").forEach(function (el) {
      lost += parseInt(el.dataset.points, 10) || 0;
      count += 1;
    });
    var score = Math.max(0, full - lost);
    form.querySelector("#sheet-score").textContent = score;
    form.querySelector("#sheet-count").textContent = count;
    form.querySelector("#sheet-points").textContent = (weight * score / full).toFixed(2);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("inspection-form");
    if (!form) { return; }
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name === "window" && target.dataset.staff !== undefined) {
        var staff = form.querySelector("select[name=staff]");
        if (staff && target.dataset.staff) { staff.value = target.dataset.staff; }
      }
      update(form);
    });
    update(form);
  });
})();
