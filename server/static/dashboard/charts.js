// Dashboard charts, drawn with the vendored Chart.js from the table under each chart (the table is
// the chart's data and its text alternative). Colours come from the page's CSS variables, so the
// charts follow the light or dark theme and redraw when it changes. Arrow keys move between bars.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var charts = [];

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function readTable(table) {
    var series = Array.prototype.slice.call(table.tHead.rows[0].cells, 1).map(function (th) { return th.textContent.trim(); });
    var labels = [], values = series.map(function () { return []; }), mark = null;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row, index) {
      labels.push(row.cells[0].textContent.trim());
      Array.prototype.slice.call(row.cells, 1).forEach(function (cell, i) {
        values[i].push(parseFloat(cell.getAttribute("data-value")));
      });
      if (row.classList.contains("mark")) { mark = index; }
    });
    return { labels: labels, series: series, values: values, mark: mark };
  }

  // A dashed vertical line through the marked bar (the due date, the tolerance).
  var markPlugin = {
    id: "markLine",
    afterDatasetsDraw: function (chart, _args, options) {
      if (options.index === null || options.index === undefined) { return; }
      var x = chart.scales.x.getPixelForValue(options.index);
      if (options.edge && options.index > 0) {        // between the bars: a threshold, not a bucket
        x = (x + chart.scales.x.getPixelForValue(options.index - 1)) / 2;
      }
      var area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = options.color;
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x, area.top);
      ctx.lineTo(x, area.bottom);
      ctx.stroke();
      ctx.fillStyle = options.color;
      ctx.font = "12px sans-serif";
      ctx.fillText(options.label, Math.min(x + 4, area.right - 40), area.top + 12);
      ctx.restore();
    }
  };

  function config(data, table) {
    var percent = table.hasAttribute("data-percent");
    var colours = [css("--accent"), css("--warn"), css("--ok")];
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (name, i) {
          return { label: name, data: data.values[i], backgroundColor: colours[i % colours.length], borderRadius: 2 };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        color: css("--text"),
        plugins: {
          legend: { display: data.series.length > 1 },
          tooltip: { callbacks: percent ? { label: function (c) { return c.dataset.label + ": " + (100 * c.parsed.y).toFixed(1) + "%"; } } : {} },
          markLine: { index: data.mark, color: css("--bad"), label: table.getAttribute("data-mark-label") || "due",
                      edge: table.hasAttribute("data-mark-edge") }
        },
        scales: {
          x: { ticks: { color: css("--muted"), autoSkip: true, maxRotation: 60 }, grid: { color: css("--line") } },
          // A share (0..1) reads as a percentage on its axis too: counts get whole-number ticks, but a
          // share's whole-number ticks are only 0 and 1.
          y: { beginAtZero: true, grid: { color: css("--line") },
               ticks: percent ? { color: css("--muted"), callback: function (v) { return Math.round(100 * v) + "%"; } }
                              : { color: css("--muted"), precision: 0 },
               title: { display: !!table.getAttribute("data-y-label"), text: table.getAttribute("data-y-label"), color: css("--muted") } }
        }
      },
      plugins: [markPlugin]
    };
  }

  function keyboard(canvas) {
    var active = -1;
    canvas.addEventListener("keydown", function (event) {
      var chart = Chart.getChart(canvas);
      if (!chart) { return; }
      var count = chart.data.labels.length;
      if (event.key === "ArrowRight") { active = Math.min(active + 1, count - 1); }
      else if (event.key === "ArrowLeft") { active = Math.max(active - 1, 0); }
      else if (event.key === "Home") { active = 0; }
      else if (event.key === "End") { active = count - 1; }
      else { return; }
      event.preventDefault();
      var elements = [{ datasetIndex: 0, index: active }];
      chart.setActiveElements(elements);
      chart.tooltip.setActiveElements(elements, { x: 0, y: 0 });
      chart.update();
    });
  }

  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    document.querySelectorAll("canvas[data-chart-for]").forEach(function (canvas) {
      var table = document.getElementById(canvas.getAttribute("data-chart-for"));
      if (!table) { return; }
      charts.push(new Chart(canvas, config(readTable(table), table)));
      if (!canvas.hasAttribute("data-keys")) { canvas.setAttribute("data-keys", "1"); keyboard(canvas); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
  if (window.matchMedia) {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", draw);
  }
  document.addEventListener("themechange", draw);
})();
