// Filter the phrase list as a member of staff types (the page lists every phrase without it).
(function () {
  "use strict";
  var input = document.getElementById("phrase-filter");
  if (!input) return;
  var sections = document.querySelectorAll("[data-phrase-section]");
  var none = document.getElementById("phrase-none");
  input.addEventListener("input", function () {
    var q = input.value.trim();
    var shown = 0;
    sections.forEach(function (section) {
      var hit = !q || section.textContent.indexOf(q) !== -1;
      section.hidden = !hit;
      if (hit) shown += 1;
    });
    none.hidden = shown !== 0;
  });
})();
