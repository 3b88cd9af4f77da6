/* The charts of the yearly complaint analysis (reports/review/complaints_year.html): the
   data is the page's #chart-data JSON block. A file of its own: no inline script (CSP). */
(function () {
  if (!window.echarts) return;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var blue = "#1f4e8c";
  var months = echarts.init(document.getElementById("chart-months"));
  months.setOption({
    grid: {left: 36, right: 12, top: 20, bottom: 28},
    tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: data.months},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: data.counts, itemStyle: {color: blue}, label: {show: true, position: "top"}}]
  });
  var kinds = echarts.init(document.getElementById("chart-kinds"));
  kinds.setOption({
    tooltip: {trigger: "item", formatter: "{b}：{c} 件（{d}%）"},
    legend: {bottom: 0, type: "scroll"},
    color: ["#b8282e", "#b7791f", "#1f4e8c", "#8a97a6", "#1d7a46", "#6b4fa0", "#2b8a9a"],
    series: [
      {name: "性质", type: "pie", radius: ["25%", "45%"], center: ["27%", "45%"], data: data.classes, label: {formatter: "{b}\n{c}"}},
      {name: "渠道", type: "pie", radius: ["25%", "45%"], center: ["73%", "45%"], data: data.channels, label: {formatter: "{b}\n{c}"}}
    ]
  });
  window.addEventListener("resize", function () { months.resize(); kinds.resize(); });
})();
