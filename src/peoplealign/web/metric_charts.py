"""The metrics dashboard's charts: one bar per released unit cell, built on the server; the page
ships only the figure's JSON, which `app.js` draws with the locally served Plotly bundle."""

from __future__ import annotations

from peoplealign.metrics.library import MeasureValues

GOOD_COLOUR = "#2f5d8a"


def unit_figure_json(values: MeasureValues) -> str | None:
    """Suppressed cells get no bar (the table beside the chart says why they are hidden)."""
    import plotly.graph_objects as go

    shown = sorted(
        (c for c in values.report.cells if not c.suppressed and c.value is not None and c.unit),
        key=lambda c: c.value or 0.0,
        reverse=not values.measure.higher_is_better,
    )
    if not shown:
        return None
    figure = go.Figure(
        go.Bar(
            x=[c.value for c in shown],
            y=[c.unit for c in shown],
            orientation="h",
            marker_color=GOOD_COLOUR,
            customdata=[c.n for c in shown],
            hovertemplate="%{y}: %{x} (" + values.measure.unit + ", n = %{customdata})<extra></extra>",
        )
    )
    figure.update_layout(
        height=120 + 24 * len(shown),
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        xaxis_title=f"{values.measure.name} ({values.measure.unit})",
        yaxis={"automargin": True},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    # Inside a <script> element "</" would end it early; the JSON escape keeps the text identical.
    return figure.to_json().replace("<", "\\u003c")
