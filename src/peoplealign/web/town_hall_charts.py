"""Plotly figures for the town hall, built on the server from the released points only: a
suppressed point has no bar or marker, and the table under each chart says why."""

from __future__ import annotations

from typing import Any

from peoplealign.decisions.town_hall import Chart
from peoplealign.web.charts import BAR_COLOUR, figure_json, layout

TRENDS = frozenset({"engagement", "enps"})
WHOLE_NUMBERS = frozenset({"headcount"})


def town_hall_figure_json(chart: Chart) -> str | None:
    shown = [p for p in chart.points if not p.suppressed and p.value is not None]
    if not shown:
        return None

    def label(value: float | None) -> str:
        """The text on a bar or marker: whole numbers (people) without a decimal point."""
        return str(int(value) if value is not None and chart.spec.key in WHOLE_NUMBERS else value)

    trace: dict[str, Any]
    if chart.spec.key in TRENDS:
        trace = {
            "type": "scatter",
            "x": [p.label for p in shown],
            "y": [p.value for p in shown],
            "mode": "lines+markers+text",
            "text": [label(p.value) for p in shown],
            "textposition": "top center",
            "line": {"color": BAR_COLOUR},
            "hovertemplate": "%{x}: %{y}<extra></extra>",
        }
        height = 320
    else:
        ordered = sorted(shown, key=lambda p: p.value or 0)
        trace = {
            "type": "bar",
            "x": [p.value for p in ordered],
            "y": [p.label for p in ordered],
            "orientation": "h",
            "marker": {"color": BAR_COLOUR},
            "text": [label(p.value) for p in ordered],
            "textposition": "auto",
            "hovertemplate": "%{y}: %{x}<extra></extra>",
        }
        height = 120 + 30 * len(ordered)
    return figure_json(
        [trace], layout(height, margin={"t": 24}, yaxis={"automargin": True}, xaxis={"automargin": True})
    )
