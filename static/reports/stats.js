/* Renders the server-built ECharts options of a statistics page (reports/stats/charts.py). */
(function () {
  "use strict";
  function render() {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll(".chart[data-option]").forEach(function (el) {
      var data = document.getElementById(el.getAttribute("data-option"));
      if (!data) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(data.textContent));
      charts.push(chart);
    });
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 120);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
