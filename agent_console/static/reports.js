// Report charts: each <canvas data-chart="ID"> is drawn by Chart.js from the JSON in <script id="ID">, which
// the server wrote from the same rows as the table beside it (the table is the chart's text alternative).
// Chart.js is its UMD build from npm (static/vendor/chart.umd.min.js), loaded by a classic script before this
// module, so no bundler is needed.

const { Chart } = globalThis;

// Colour-blind-safe series colours (Okabe and Ito), one per dataset in order.
const PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"];
const UNITS = {
  rate: { axis: "%", format: (value) => `${value} %`, suggestedMax: 100 },
  seconds: { axis: "seconds", format: (value) => `${value} s` },
  erlangs: { axis: "Erlangs", format: String },
};
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)").matches;

for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
  const spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
  const unit = UNITS[spec.unit] || { axis: "", format: String };
  new Chart(canvas, {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: spec.datasets.map((dataset, n) => ({
        ...dataset,
        backgroundColor: PALETTE[n % PALETTE.length],
        borderColor: PALETTE[n % PALETTE.length],
        spanGaps: true,
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: reducedMotion ? false : { duration: 300 },
      plugins: {
        legend: { display: spec.datasets.length > 1 },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${unit.format(item.formattedValue)}` } },
      },
      scales: {
        y: {
          beginAtZero: true,
          suggestedMax: unit.suggestedMax,
          title: { display: Boolean(unit.axis), text: unit.axis },
        },
      },
    },
  });
  canvas.dataset.drawn = "true";
}
