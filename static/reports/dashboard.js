/* The dashboard's charts: ECharts (static/vendor/echarts, no CDN) drawn from the json_script block
 * "dashboard-data" that the page renders from the figures registry. Every chart also has a data table in
 * the page (opened for printing), so nothing depends on this script. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var RED = ["#b71c1c", "#e57373", "#f9a825", "#1565c0", "#2e7d32", "#6a1b9a", "#00838f", "#8d6e63"];
  var charts = [];

  function go(url) { if (url) { window.location.href = url; } }

  function barOption(rows, labelOf, unit, max) {
    return {
      color: RED,
      grid: { left: 8, right: 48, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", max: max, axisLabel: { formatter: "{value}" + (unit === "%" ? "%" : "") } },
      yAxis: { type: "category", inverse: true, data: rows.map(labelOf),
               axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }),
                 label: { show: true, position: "right" } }]
    };
  }

  var builders = {
    "meetings-month": function (chart) {
      return {
        color: RED,
        legend: { type: "scroll", top: 0 },
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: chart.labels },
        yAxis: { type: "value", minInterval: 1 },
        series: chart.series.map(function (s) {
          return { name: s.title, type: "bar", stack: "meetings", data: s.data, url: s.url };
        })
      };
    },
    "completion": function (chart) {
      return barOption(chart.rows, function (r) { return r.organization; }, "%", 100);
    },
    "compliance": function (chart) {
      return barOption(chart.rows, function (r) { return r.title; }, "%", 100);
    },
    "membership-category": pie,
    "membership-status": pie
  };

  function pie(chart) {
      return {
        color: RED,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
                   data: chart.rows.map(function (r) { return { name: r.title, value: r.value || 0 }; }) }]
      };
  }

  // A click on a bar or slice opens the records behind it (the figure's drill-down).
  function linkOf(name, chart, params) {
    if (name === "meetings-month") { return chart.series[params.seriesIndex].url; }
    var row = chart.rows && chart.rows[params.dataIndex];
    return row ? row.url : null;
  }

  Object.keys(data.charts).forEach(function (name) {
    var el = document.getElementById("chart-" + name);
    var build = builders[name];
    if (!el || !build) { return; }
    var chart = data.charts[name];
    // Horizontal bars: a row per organisation or rule, however many there are.
    if (chart.rows && (name === "completion" || name === "compliance")) {
      el.style.height = Math.max(220, chart.rows.length * 30 + 60) + "px";
    }
    var instance = echarts.init(el, null, { renderer: "canvas" });
    instance.setOption(build(chart));
    instance.on("click", function (params) { go(linkOf(name, chart, params)); });
    charts.push(instance);
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  // Printing shows the data tables instead of the canvases.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-table").forEach(function (d) { d.open = true; });
  });
})();
