// Draws charts declared in the page as data attributes (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  function drawAumChart(el) {
    if (typeof echarts === "undefined") { return; }
    var months = JSON.parse(el.dataset.months || "[]");
    var values = JSON.parse(el.dataset.values || "[]").map(Number);
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      grid: { left: 70, right: 16, top: 24, bottom: 28 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }); } },
      xAxis: { type: "category", data: months, boundaryGap: false },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return v >= 10000 ? (v / 10000).toLocaleString() + "万" : v; } } },
      series: [{ name: el.dataset.label, type: "line", data: values, smooth: true, areaStyle: { opacity: 0.12 }, itemStyle: { color: "#b3261e" } }]
    });
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("#aum-chart").forEach(drawAumChart);
})();
