"""Plotly figures built on the server as plain dicts; the page ships only their JSON, which `app.js`
draws with the Plotly bundle served from the installed package.

The figures are written as the JSON plotly.js reads (`{"data": [...], "layout": {...}}`) rather than
through Python `plotly.graph_objects`: building, validating and serialising a graph object cost
10–60 ms a figure, more than the rest of most dashboard pages, for output the browser draws the same.
Every chart module builds its layout on `layout` and serialises through `figure_json`. Axis titles
are objects (`{"text": ...}`): the bundled plotly.js (3 and later) ignores a bare string."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from peoplealign.alignment.organisation import UnitView

BAR_COLOUR = "#2f5d8a"
FONT: Mapping[str, Any] = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14}
MARGIN: Mapping[str, int] = {"l": 8, "r": 16, "t": 8, "b": 40}
_INK = "#2a3f5f"
_AXIS = {
    "gridcolor": "white",
    "linecolor": "white",
    "ticks": "",
    "title": {"standoff": 15},
    "zerolinecolor": "white",
    "automargin": True,
    "zerolinewidth": 2,
}
# The parts of plotly.py's default "plotly" template that these charts show (ink colour, axes with no
# visible grid, thin bar outlines, colour bars), so the charts look as they did when built with
# plotly.py; plotly.js applies a template's defaults under each figure's own settings.
TEMPLATE: Mapping[str, Any] = {
    "data": {
        "bar": [{"marker": {"line": {"color": "#E5ECF6", "width": 0.5}}}],
        "heatmap": [{"colorbar": {"outlinewidth": 0, "ticks": ""}}],
    },
    "layout": {
        "autotypenumbers": "strict",
        "font": {"color": _INK},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "shapedefaults": {"line": {"color": _INK}},
        "annotationdefaults": {"arrowcolor": _INK, "arrowhead": 0, "arrowwidth": 1},
    },
}


def layout(height: int, *, margin: Mapping[str, int] | None = None, **extra: Any) -> dict[str, Any]:
    """The look every chart shares (font, white backgrounds, template); `margin` adjusts single
    sides of the shared margins and `extra` adds or replaces whole layout keys."""
    return {
        "template": TEMPLATE,
        "font": FONT,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "height": height,
        "margin": {**MARGIN, **(margin or {})},
        **extra,
    }


def figure_json(data: Sequence[Mapping[str, Any]], figure_layout: Mapping[str, Any]) -> str:
    """The JSON `app.js` hands to `Plotly.newPlot`, safe to place inside a <script> element."""
    figure = {"data": data, "layout": figure_layout}
    try:
        text = json.dumps(figure, default=_native, ensure_ascii=False, allow_nan=False)
    except ValueError:
        # NaN is not JSON; plotly.js draws null as a gap, as plotly.py's encoder used to write it.
        text = json.dumps(_finite(figure), default=_native, ensure_ascii=False, allow_nan=False)
    # Inside a <script> element "</" would end it early; the JSON escape keeps the text identical.
    return text.replace("<", "\\u003c")


def _native(value: Any) -> Any:
    """Dates as ISO strings and numpy/pandas values as Python numbers and lists, as plotly.js reads them."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _finite(value: Any) -> Any:
    if hasattr(value, "tolist") and not isinstance(value, float):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def headcount_figure_json(units: list[UnitView]) -> str | None:
    """A bar per counted unit (a unit the actor's scope has no figure for has no bar)."""
    shown = sorted((u for u in units if u.headcount is not None), key=lambda u: u.headcount or 0)
    if not shown:
        return None
    counts = [u.headcount or 0 for u in shown]
    bar = {
        "type": "bar",
        "x": counts,
        "y": [u.name for u in shown],
        "orientation": "h",
        "marker": {"color": BAR_COLOUR},
        "text": [str(n) for n in counts],
        "textposition": "auto",
        "hovertemplate": "%{y}: %{x} people<extra></extra>",
    }
    return figure_json(
        [bar],
        layout(120 + 32 * len(shown), xaxis={"title": {"text": "Active people"}}, yaxis={"automargin": True}),
    )
