"""Plotly figures of the listening pages, built on the server from released cells only: a suppressed
cell has no value to draw, so it is drawn as a grey gap that says why it is hidden."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from peoplealign.web.charts import BAR_COLOUR

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14}
HIDDEN_COLOUR = "#d9d9d9"
DIVERGING = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [1.0, "#2166ac"]]


def hidden_note(reason: str | None) -> str:
    """The words shown in place of a suppressed figure."""
    return f"hidden to protect anonymity: {reason or 'group too small'}"


def _json(figure: Any) -> str:
    # Inside a <script> element "</" would end it early; the JSON escape keeps the text identical.
    return str(figure.to_json()).replace("<", "\\u003c")


def _layout(figure: Any, height: int, **extra: Any) -> None:
    base = {
        "height": height,
        "margin": {"l": 8, "r": 16, "t": 8, "b": 48},
        "font": FONT,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
    }
    figure.update_layout(**{**base, **extra})


def bar_figure_json(
    labels: Sequence[str], values: Sequence[float], axis_title: str, number_format: str, hover: str
) -> str | None:
    """Horizontal bars, largest at the top; `hover` is a Plotly template for one bar."""
    if not labels:
        return None
    import plotly.graph_objects as go

    order = sorted(range(len(labels)), key=lambda i: values[i])
    figure = go.Figure(
        go.Bar(
            x=[values[i] for i in order],
            y=[labels[i] for i in order],
            orientation="h",
            marker_color=BAR_COLOUR,
            text=[format(values[i], number_format) for i in order],
            textposition="auto",
            hovertemplate=hover + "<extra></extra>",
        )
    )
    axis = {"title": axis_title, "tickformat": number_format if number_format.endswith("%") else None}
    _layout(figure, 120 + 32 * len(labels), xaxis=axis, yaxis={"automargin": True})
    return _json(figure)


def sentiment_bar_json(labels: Sequence[str], values: Sequence[float]) -> str | None:
    """Mean sentiment per row on a fixed -1..1 axis, red below zero and blue above."""
    if not labels:
        return None
    import plotly.graph_objects as go

    order = sorted(range(len(labels)), key=lambda i: -values[i])
    figure = go.Figure(
        go.Bar(
            x=[values[i] for i in order],
            y=[labels[i] for i in order],
            orientation="h",
            marker_color=["#b2182b" if values[i] < 0 else "#2166ac" for i in order],
            text=[f"{values[i]:+.2f}" for i in order],
            textposition="auto",
            hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
        )
    )
    _layout(
        figure,
        120 + 32 * len(labels),
        xaxis={"title": "Mean sentiment (−1 negative … +1 positive)", "range": [-1, 1]},
        yaxis={"automargin": True},
    )
    return _json(figure)


def heatmap_json(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    reasons: Sequence[Sequence[str | None]],
    *,
    value_format: str,
    colour_range: tuple[float, float],
    diverging: bool,
) -> str | None:
    """Rows × columns; a None value is a suppressed cell: no colour, its reason in place and on hover.
    None when no cell is shown: a grey block says less than the page's sentence about it."""
    if not rows or not columns or all(v is None for row in values for v in row):
        return None
    import plotly.graph_objects as go

    text = [[format(v, value_format) if v is not None else "hidden" for v in row] for row in values]
    hover = [
        [
            f"{r} · {c}: {format(v, value_format)}" if v is not None else f"{r} · {c}: {hidden_note(why)}"
            for c, v, why in zip(columns, row, row_reasons, strict=True)
        ]
        for r, row, row_reasons in zip(rows, values, reasons, strict=True)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=[list(row) for row in values],
            x=list(columns),
            y=list(rows),
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            colorscale=DIVERGING if diverging else "Blues",
            zmin=colour_range[0],
            zmax=colour_range[1],
            xgap=2,
            ygap=2,
            hoverongaps=True,
        )
    )
    _layout(
        figure,
        160 + 30 * len(rows),
        plot_bgcolor=HIDDEN_COLOUR,
        xaxis={"side": "top", "tickangle": -30, "automargin": True},
        yaxis={"automargin": True, "autorange": "reversed"},
    )
    return _json(figure)


def alignment_figure_json(
    names: Sequence[str], priorities: Sequence[float], concerns: Sequence[float]
) -> str | None:
    """Each objective at (leadership priority, employee concern); on the diagonal they agree, above it
    employees voice more than the priority gives."""
    if not names:
        return None
    import plotly.graph_objects as go

    figure = go.Figure(
        [
            go.Scatter(
                x=[0, 1],
                y=[0, 1],
                mode="lines",
                line={"dash": "dot", "color": "#888"},
                hoverinfo="skip",
                name="aligned",
            ),
            go.Scatter(
                x=list(priorities),
                y=list(concerns),
                mode="markers+text",
                text=list(names),
                textposition="top center",
                marker={"size": 14, "color": BAR_COLOUR},
                hovertemplate=(
                    "%{text}<br>priority weight %{x:.2f}<br>employee concern %{y:.2f}<extra></extra>"
                ),
                name="objectives",
            ),
        ]
    )
    _layout(
        figure,
        420,
        showlegend=False,
        xaxis={"title": "Leadership priority (1 = top priority)", "range": [-0.05, 1.35]},
        yaxis={"title": "Employee concern (1 = highest)", "range": [0, 1.15]},
    )
    return _json(figure)
