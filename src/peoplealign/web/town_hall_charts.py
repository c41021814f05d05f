"""Plotly figures for the town hall, built on the server from the released points only: a
suppressed point has no bar or marker, and the table under each chart says why."""

from __future__ import annotations

from peoplealign.decisions.town_hall import Chart

COLOUR = "#2f5d8a"
TRENDS = frozenset({"engagement", "enps"})
WHOLE_NUMBERS = frozenset({"headcount"})
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14}


def town_hall_figure_json(chart: Chart) -> str | None:
    import plotly.graph_objects as go

    shown = [p for p in chart.points if not p.suppressed and p.value is not None]
    if not shown:
        return None

    def label(value: float | None) -> float | int | None:
        return int(value) if value is not None and chart.spec.key in WHOLE_NUMBERS else value

    if chart.spec.key in TRENDS:
        trace = go.Scatter(
            x=[p.label for p in shown],
            y=[p.value for p in shown],
            mode="lines+markers+text",
            text=[label(p.value) for p in shown],
            textposition="top center",
            line={"color": COLOUR},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
        height = 320
    else:
        ordered = sorted(shown, key=lambda p: p.value or 0)
        trace = go.Bar(
            x=[p.value for p in ordered],
            y=[p.label for p in ordered],
            orientation="h",
            marker_color=COLOUR,
            text=[label(p.value) for p in ordered],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
        height = 120 + 30 * len(ordered)
    figure = go.Figure(trace)
    figure.update_layout(
        height=height,
        margin={"l": 8, "r": 16, "t": 24, "b": 40},
        yaxis={"automargin": True},
        xaxis={"automargin": True},
        font=FONT,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return figure.to_json().replace("<", "\\u003c")
