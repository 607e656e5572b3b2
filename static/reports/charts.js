/* Draws the report page's charts with the vendored Chart.js from the data the page embeds. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = data.palette; // reports/charts.py: the PDF draws with the same colours
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false; // charts are read and printed, not watched

  function colours(n) { return Array.from({ length: n }, function (_, i) { return palette[i % palette.length]; }); }

  function share(id, part) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "doughnut",
      data: { labels: part.labels, datasets: [{ data: part.counts, backgroundColor: colours(part.counts.length) }] },
      options: { maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
    });
  }

  share("chart-outcomes", data.outcomes);
  share("chart-categories", data.categories);

  new Chart(document.getElementById("chart-months"), {
    type: "bar",
    data: { labels: data.months.labels, datasets: [{ label: data.months.label, data: data.months.counts, backgroundColor: palette[2] }] },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  new Chart(document.getElementById("chart-units"), {
    type: "bar",
    data: {
      labels: data.units.labels,
      datasets: data.units.series.map(function (series, i) {
        return { label: series.label, data: series.data, backgroundColor: palette[i % palette.length] };
      }),
    },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  // Canvases keep their screen size when printed unless told to redraw.
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  });
})();
