// The oversight dashboards' charts (desk/oversight): drawn from the figures the page carries in
// data-chart, right to left, with Persian digits. The same figures are in the tables below, so
// a browser without JavaScript loses nothing.
(function () {
  "use strict";
  var holder = document.getElementById("chart-data");
  if (!holder || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(holder.dataset.chart);
  var digits = new Intl.NumberFormat("fa-IR", { maximumFractionDigits: 1 });
  var fa = function (value) { return value === null || value === undefined ? "—" : digits.format(value); };
  Chart.defaults.font.family = "Vazirmatn, Tahoma, sans-serif";
  Chart.defaults.color = "#1b1b1b";
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    locale: "fa-IR",
    plugins: {
      legend: { rtl: true, position: "bottom" },
      tooltip: { rtl: true, callbacks: { label: function (item) { return item.dataset.label + ": " + fa(item.raw); } } }
    }
  };
  function axis(extra) {
    return Object.assign({ ticks: { callback: function (value) { return fa(value); } } }, extra || {});
  }
  function withTitle(options, text) {
    return Object.assign({}, options, {
      plugins: Object.assign({}, options.plugins, { title: { display: true, text: text } })
    });
  }
  var bars = document.getElementById("chart-bars");
  if (bars) {
    new Chart(bars, {
      type: "bar",
      data: {
        labels: data.bars.labels,
        datasets: [{ label: "پاسخ به‌موقع (٪)", data: data.bars.values, backgroundColor: "#0b4f8a" }]
      },
      options: withTitle(Object.assign({}, common, {
        scales: {
          x: { reverse: true },
          y: axis({ min: 0, max: 100, position: "right" })
        }
      }), data.bars.title)
    });
  }
  var trend = document.getElementById("chart-trend");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: [
          { label: "شمار درخواست‌ها", data: data.trend.volume, borderColor: "#0b4f8a", backgroundColor: "#0b4f8a", yAxisID: "volume" },
          { label: "پاسخ به‌موقع (٪)", data: data.trend.on_time, borderColor: "#b35900", backgroundColor: "#b35900", yAxisID: "share" }
        ]
      },
      options: withTitle(Object.assign({}, common, {
        scales: {
          x: { reverse: true },
          volume: axis({ position: "right", beginAtZero: true }),
          share: axis({ position: "left", min: 0, max: 100, grid: { drawOnChartArea: false } })
        }
      }), data.trend.title)
    });
  }
})();
