"""Plotly figures of the listening pages, built on the server from released cells only: a suppressed
cell has no value to draw, so it is drawn as a grey gap that says why it is hidden."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from peoplealign.web.charts import BAR_COLOUR, figure_json, layout

HIDDEN_COLOUR = "#d9d9d9"
DIVERGING = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [1.0, "#2166ac"]]
# ColorBrewer Blues, light to dark, spelled out: plotly.js's own "Blues" is a different, reversed scale.
BLUES = [
    [i / 8, colour]
    for i, colour in enumerate(
        (
            "rgb(247,251,255)",
            "rgb(222,235,247)",
            "rgb(198,219,239)",
            "rgb(158,202,225)",
            "rgb(107,174,214)",
            "rgb(66,146,198)",
            "rgb(33,113,181)",
            "rgb(8,81,156)",
            "rgb(8,48,107)",
        )
    )
]
MARGIN = {"b": 48}


def hidden_note(reason: str | None) -> str:
    """The words shown in place of a suppressed figure."""
    return f"hidden to protect anonymity: {reason or 'group too small'}"


def _bars(
    labels: Sequence[str], values: Sequence[float], order: Sequence[int], **trace: Any
) -> dict[str, Any]:
    """Horizontal bars in `order` (Plotly draws the first at the bottom)."""
    return {
        "type": "bar",
        "x": [values[i] for i in order],
        "y": [labels[i] for i in order],
        "orientation": "h",
        "textposition": "auto",
        **trace,
    }


def bar_figure_json(
    labels: Sequence[str], values: Sequence[float], axis_title: str, number_format: str, hover: str
) -> str | None:
    """Horizontal bars, largest at the top; `hover` is a Plotly template for one bar."""
    if not labels:
        return None
    order = sorted(range(len(labels)), key=lambda i: values[i])
    bars = _bars(
        labels,
        values,
        order,
        marker={"color": BAR_COLOUR},
        text=[format(values[i], number_format) for i in order],
        hovertemplate=hover + "<extra></extra>",
    )
    axis: dict[str, Any] = {"title": {"text": axis_title}}
    if number_format.endswith("%"):
        axis["tickformat"] = number_format
    return figure_json(
        [bars], layout(120 + 32 * len(labels), margin=MARGIN, xaxis=axis, yaxis={"automargin": True})
    )


def sentiment_bar_json(labels: Sequence[str], values: Sequence[float]) -> str | None:
    """Mean sentiment per row on a fixed -1..1 axis, red below zero and blue above."""
    if not labels:
        return None
    order = sorted(range(len(labels)), key=lambda i: -values[i])
    bars = _bars(
        labels,
        values,
        order,
        marker={"color": ["#b2182b" if values[i] < 0 else "#2166ac" for i in order]},
        text=[f"{values[i]:+.2f}" for i in order],
        hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
    )
    return figure_json(
        [bars],
        layout(
            120 + 32 * len(labels),
            margin=MARGIN,
            xaxis={"title": {"text": "Mean sentiment (−1 negative … +1 positive)"}, "range": [-1, 1]},
            yaxis={"automargin": True},
        ),
    )


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
    return _heatmap_json(
        tuple(rows),
        tuple(columns),
        tuple(tuple(row) for row in values),
        tuple(tuple(row) for row in reasons),
        value_format,
        colour_range,
        diverging,
    )


@functools.lru_cache(maxsize=32)
def _heatmap_json(
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    values: tuple[tuple[float | None, ...], ...],
    reasons: tuple[tuple[str | None, ...], ...],
    value_format: str,
    colour_range: tuple[float, float],
    diverging: bool,
) -> str | None:
    """Kept by content: at 5,000 people the survey heatmap has some 400 units by a dozen drivers,
    and writing a label and a hover text for each cell cost more than the rest of the page. The same
    released cells give the same figure, whoever asks."""
    if not rows or not columns or all(v is None for row in values for v in row):
        return None
    text = [[format(v, value_format) if v is not None else "hidden" for v in row] for row in values]
    hover = [
        [
            f"{r} · {c}: {format(v, value_format)}" if v is not None else f"{r} · {c}: {hidden_note(why)}"
            for c, v, why in zip(columns, row, row_reasons, strict=True)
        ]
        for r, row, row_reasons in zip(rows, values, reasons, strict=True)
    ]
    heatmap = {
        "type": "heatmap",
        "z": [list(row) for row in values],
        "x": list(columns),
        "y": list(rows),
        "text": text,
        "texttemplate": "%{text}",
        "hovertext": hover,
        "hoverinfo": "text",
        "colorscale": DIVERGING if diverging else BLUES,
        "zmin": colour_range[0],
        "zmax": colour_range[1],
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": True,
    }
    return figure_json(
        [heatmap],
        layout(
            160 + 30 * len(rows),
            margin=MARGIN,
            plot_bgcolor=HIDDEN_COLOUR,
            xaxis={"side": "top", "tickangle": -30, "automargin": True},
            yaxis={"automargin": True, "autorange": "reversed"},
        ),
    )


def alignment_figure_json(
    names: Sequence[str], priorities: Sequence[float], concerns: Sequence[float]
) -> str | None:
    """Each objective at (leadership priority, employee concern); on the diagonal they agree, above it
    employees voice more than the priority gives."""
    if not names:
        return None
    diagonal = {
        "type": "scatter",
        "x": [0, 1],
        "y": [0, 1],
        "mode": "lines",
        "line": {"dash": "dot", "color": "#888"},
        "hoverinfo": "skip",
        "name": "aligned",
    }
    objectives = {
        "type": "scatter",
        "x": list(priorities),
        "y": list(concerns),
        "mode": "markers+text",
        "text": list(names),
        "textposition": "top center",
        "marker": {"size": 14, "color": BAR_COLOUR},
        "hovertemplate": "%{text}<br>priority weight %{x:.2f}<br>employee concern %{y:.2f}<extra></extra>",
        "name": "objectives",
    }
    return figure_json(
        [diagonal, objectives],
        layout(
            420,
            margin=MARGIN,
            showlegend=False,
            xaxis={"title": {"text": "Leadership priority (1 = top priority)"}, "range": [-0.05, 1.35]},
            yaxis={"title": {"text": "Employee concern (1 = highest)"}, "range": [0, 1.15]},
        ),
    )
