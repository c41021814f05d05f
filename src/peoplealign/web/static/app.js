// Draws every server-built Plotly figure on the page (and in content htmx swaps in). Figures arrive
// as JSON in <script type="application/json">, so the page needs no inline script.
(function () {
  "use strict";

  function drawFigures(root) {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    root.querySelectorAll("[data-plotly-figure]").forEach(function (target) {
      var source = document.getElementById(target.dataset.plotlyFigure);
      if (!source || target.dataset.drawn === "true") {
        return;
      }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout, {
        responsive: true,
        displayModeBar: false,
      });
      target.dataset.drawn = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawFigures(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    drawFigures(event.target);
  });
})();
