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

  function parsed(el, name) { return JSON.parse(el.dataset[name] || "[]"); }
  function done(el, chart) {
    el.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  // Dashboard charts: bars, a funnel and the 80/20 curve, each from its data attributes.
  function drawDashboardChart(el) {
    if (typeof echarts === "undefined") { return; }
    var chart = echarts.init(el);
    var kind = el.dataset.kind;
    if (kind === "bar") {
      chart.setOption({
        animation: false,
        grid: { left: 60, right: 16, top: 16, bottom: 40 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: parsed(el, "labels"), axisLabel: { interval: 0, rotate: 20 } },
        yAxis: { type: "value" },
        series: [{ name: el.dataset.name, type: "bar", data: parsed(el, "values").map(Number), itemStyle: { color: "#b3261e" } }]
      });
    } else if (kind === "funnel") {
      var labels = parsed(el, "labels");
      var values = parsed(el, "values").map(Number);
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item" },
        series: [{ name: el.dataset.name, type: "funnel", sort: "none", left: "10%", width: "80%",
          label: { formatter: "{b}: {c}" },
          data: labels.map(function (l, i) { return { name: l, value: values[i] }; }) }]
      });
    } else if (kind === "pareto") {
      var x = []; for (var i = 1; i <= 100; i++) { x.push(i + "%"); }
      var pct = function (v) { return Math.round(Number(v) * 1000) / 10; };
      chart.setOption({
        animation: false,
        grid: { left: 50, right: 16, top: 30, bottom: 30 },
        legend: { top: 0 },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
        xAxis: { type: "category", data: x, name: el.dataset.xName, nameLocation: "middle", nameGap: 22, boundaryGap: false },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [
          { name: el.dataset.profitName, type: "line", data: parsed(el, "profit").map(pct), showSymbol: false, itemStyle: { color: "#b3261e" } },
          { name: el.dataset.aumName, type: "line", data: parsed(el, "aum").map(pct), showSymbol: false, itemStyle: { color: "#1e5bb3" } },
          { name: "1:1", type: "line", data: x.map(function (_, i) { return i + 1; }), showSymbol: false, lineStyle: { type: "dashed", color: "#999" }, itemStyle: { color: "#999" } }
        ]
      });
    }
    done(el, chart);
  }
  document.querySelectorAll(".chart[data-kind]").forEach(drawDashboardChart);
})();
