// Draw the public site's chart of active partners by country.
(function () {
  const source = document.getElementById("country-chart-data");
  const canvas = document.getElementById("country-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  const chart = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: [{ label: chart.title, data: chart.values, backgroundColor: "#0d6efd", maxBarThickness: 28 }]
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
