"""Plotly figures built on the server; the page ships only their JSON, which `app.js` draws with
the Plotly bundle served from the installed package."""

from __future__ import annotations

import functools

from peoplealign.alignment.organisation import UnitView

BAR_COLOUR = "#2f5d8a"


def headcount_figure_json(units: list[UnitView]) -> str | None:
    """A bar per counted unit (a unit the actor's scope has no figure for has no bar)."""
    shown = sorted((u for u in units if u.headcount is not None), key=lambda u: u.headcount or 0)
    if not shown:
        return None
    return _headcount_figure(tuple((u.name, u.headcount or 0) for u in shown))


@functools.lru_cache(maxsize=128)
def _headcount_figure(bars: tuple[tuple[str, int], ...]) -> str:
    """Built once per distinct set of bars: building a Plotly figure costs more than the rest of the
    home page, and every employee's chart is the same one."""
    import plotly.graph_objects as go

    figure = go.Figure(
        go.Bar(
            x=[n for _, n in bars],
            y=[name for name, _ in bars],
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[n for _, n in bars],
            textposition="auto",
            hovertemplate="%{y}: %{x} people<extra></extra>",
        )
    )
    figure.update_layout(
        height=120 + 32 * len(bars),
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        xaxis_title="Active people",
        yaxis={"automargin": True},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    # Inside a <script> element "</" would end it early; the JSON escape keeps the text identical.
    return figure.to_json().replace("<", "\\u003c")
