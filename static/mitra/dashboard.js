// Draw the dashboard's charts; a click on a bar or slice opens its list.
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const palette = ["#0d6efd", "#20c997", "#ffc107", "#dc3545", "#6f42c1", "#fd7e14", "#6c757d", "#0dcaf0"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const chart = data[canvas.dataset.chart];
    if (!chart || typeof Chart === "undefined") { return; }
    const kind = canvas.dataset.kind;
    new Chart(canvas, {
      type: kind,
      data: {
        labels: chart.labels,
        datasets: [{ data: chart.values, backgroundColor: kind === "bar" ? palette[0] : palette }]
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: kind !== "bar", position: "bottom" } },
        scales: kind === "bar" ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {},
        onClick: function (event, elements) {
          if (elements.length) { window.location = chart.links[elements[0].index]; }
        }
      }
    });
  });
})();
