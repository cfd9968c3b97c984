// Draw the charts of a survey round's results (Chart.js, vendored).
(function () {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const colours = ["#198754", "#0d6efd", "#ffc107", "#dc3545"];
  // Long names break over lines on a narrow screen instead of being cut off.
  function wrap(label, width) {
    const lines = [];
    String(label).split(" ").forEach(function (word) {
      const last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.length > 1 ? lines : label;
  }
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
    const narrow = canvas.parentElement.clientWidth < 576;
    const labels = chart.labels.map(function (label) { return wrap(label, narrow ? 16 : 40); });
    if (narrow) {
      // Room for every name: a bar and each line of its name.
      const height = labels.reduce(function (sum, label) {
        return sum + 22 + 12 * (Array.isArray(label) ? label.length : 1);
      }, 40);
      canvas.parentElement.style.height = Math.max(240, height) + "px";
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{ data: chart.values, backgroundColor: colours[1] }]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: chart.titles ? { callbacks: { title: function (items) { return chart.titles[items[0].dataIndex]; } } } : {}
        },
        scales: {
          x: { min: 0, max: 4 },
          y: { ticks: { autoSkip: false, font: { size: narrow ? 10 : 12 } } }
        }
      }
    });
  });
})();
