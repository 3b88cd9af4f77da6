/* Live hall dashboard and staffing advice: full-screen button for the hall-office TV,
   the weekday tabs and the ECharts chart of the staffing advice. No other dependency. */
(function () {
  "use strict";

  // Full screen (TV): only where the browser supports it.
  document.querySelectorAll("[data-dash-fullscreen]").forEach(function (button) {
    if (!document.documentElement.requestFullscreen) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    });
  });

  var dataNode = document.getElementById("staffing-data");
  var chartNode = document.getElementById("staffing-chart");
  if (!dataNode || !chartNode || !window.echarts) return;
  var data = JSON.parse(dataNode.textContent);
  var chart = window.echarts.init(chartNode, null, { renderer: "svg" });
  window.addEventListener("resize", function () { chart.resize(); });

  function draw(weekday) {
    var day = data.weekdays[String(weekday)];
    if (!day) return;
    chart.setOption({
      title: { text: day.label + " 每小时窗口配置（" + data.model + "）", subtext: "服务目标：" + data.target, left: 0 },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: ["建议开放窗口", "实际开放（平均）", data.alternative, "平均取号"] },
      grid: { left: 48, right: 56, top: 78, bottom: 56 },
      xAxis: { type: "category", data: day.hours },
      yAxis: [
        { type: "value", name: "窗口数", minInterval: 1 },
        { type: "value", name: "取号/小时", splitLine: { show: false } },
      ],
      series: [
        { name: "建议开放窗口", type: "bar", data: day.recommended, itemStyle: { color: "#1f4e8c" }, barMaxWidth: 36 },
        { name: "实际开放（平均）", type: "line", data: day.open, itemStyle: { color: "#b8282e" }, lineStyle: { width: 3 }, symbolSize: 7 },
        { name: data.alternative, type: "line", data: day.alternative, step: "middle", itemStyle: { color: "#1d7a46" }, lineStyle: { type: "dashed" }, symbol: "none" },
        { name: "平均取号", type: "line", yAxisIndex: 1, data: day.arrivals, itemStyle: { color: "#b7791f" }, lineStyle: { width: 1, opacity: 0.6 }, symbol: "none", smooth: true },
      ],
    }, true);
  }

  function select(weekday) {
    document.querySelectorAll("[data-staffing-weekday]").forEach(function (el) {
      el.hidden = el.getAttribute("data-staffing-weekday") !== String(weekday);
    });
    document.querySelectorAll("[data-staffing-tab]").forEach(function (a) {
      if (a.getAttribute("data-staffing-tab") === String(weekday)) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    var input = document.querySelector("[data-staffing-weekday-input]");
    if (input) input.value = weekday;
    draw(weekday);
  }

  document.querySelectorAll("[data-staffing-tab]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      select(a.getAttribute("data-staffing-tab"));
      history.replaceState(null, "", a.href);
    });
  });
  var current = document.querySelector("[data-staffing-tab][aria-current]");
  select(current ? current.getAttribute("data-staffing-tab") : Object.keys(data.weekdays)[0]);
})();
