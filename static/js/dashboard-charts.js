// Draws the dashboard's charts from the figures in #results-chart-data. Each chart has a
// table of the same figures beside it, so the page reads the same without JavaScript.
(function () {
  "use strict";

  const BLUE = "#1d4f91";
  const ORANGE = "#a34700";

  // Long names (commitment areas) on two or three lines rather than cut off.
  function wrap(label) {
    const lines = [];
    label.split(" ").forEach(function (word) {
      const last = lines[lines.length - 1];
      if (last && (last + " " + word).length <= 22) lines[lines.length - 1] = last + " " + word;
      else lines.push(word);
    });
    return lines;
  }

  function show(holder) {
    holder.hidden = false;
    return holder.querySelector("canvas");
  }

  function percentBars(holder, rows) {
    const usable = rows.filter((row) => row.score !== null);
    if (!usable.length) return;
    new window.Chart(show(holder), {
      type: "bar",
      data: {
        labels: usable.map((row) => wrap(row.label)),
        datasets: [{ label: "Commitment met (%)", data: usable.map((row) => row.score), backgroundColor: BLUE }],
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: 100, title: { display: true, text: "% of the commitment met" } } },
        plugins: { legend: { display: false } },
      },
    });
  }

  function timingLines(holder, timing) {
    new window.Chart(show(holder), {
      type: "line",
      data: {
        labels: timing.months,
        datasets: [
          { label: "Median (seconds)", data: timing.median, borderColor: BLUE, backgroundColor: BLUE },
          { label: "90th percentile (seconds)", data: timing.p90, borderColor: ORANGE, backgroundColor: ORANGE, borderDash: [6, 4] },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: "Seconds" } } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const source = document.getElementById("results-chart-data");
    if (!source || !window.Chart) return;
    const figures = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (holder) {
      const kind = holder.dataset.chart;
      if (kind === "areas") percentBars(holder, figures.areas);
      else if (kind === "channels") percentBars(holder, figures.channels);
      else if (kind === "timing") timingLines(holder, figures.timings[Number(holder.dataset.index)]);
    });
  });
})();
