// Draw the charts of a survey round's results (Chart.js, vendored).
(function () {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const colours = ["#198754", "#0d6efd", "#ffc107", "#dc3545"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const chart = data[canvas.dataset.chart];
    if (!chart) { return; }
    if (canvas.dataset.kind === "stacked") {
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: chart.series.map(function (series, index) {
            return { label: series.label, data: series.values, backgroundColor: colours[index % colours.length] };
          })
        },
        options: {
          maintainAspectRatio: false,
          plugins: { legend: { position: "bottom" } },
          scales: { x: { stacked: true }, y: { stacked: true, min: 0, max: 100 } }
        }
      });
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: { labels: chart.labels, datasets: [{ data: chart.values, backgroundColor: colours[1] }] },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: chart.titles ? { callbacks: { title: function (items) { return chart.titles[items[0].dataIndex]; } } } : {}
        },
        scales: { x: { min: 0, max: 4 } }
      }
    });
  });
})();
