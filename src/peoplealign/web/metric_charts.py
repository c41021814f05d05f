"""The metrics and context pages' charts, built on the server; the page ships only the figure's
JSON, which `app.js` draws with the locally served Plotly bundle.

Human context is drawn where it belongs: beside the bar of the unit it is about, and as a shaded
window over a weekly series, with its category and text in the hover."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from peoplealign.metrics.annotations import CATEGORIES, AnnotationView
from peoplealign.metrics.library import MeasureValues, WeeklySeries
from peoplealign.web.charts import FONT, figure_json, layout

GOOD_COLOUR = "#2f5d8a"
CONTEXT_COLOUR = "#b35c00"
FLAG_COLOUR = "#b00020"
LINE_COLOURS = ("#2f5d8a", "#6b8e23", "#7a4fa3", "#8c564b", "#1b7c83")
METRIC_FONT = {**FONT, "size": 13}  # the metric pages draw their charts a size smaller than the rest


def note_hover(note: AnnotationView) -> str:
    """One annotation as the hover text of its mark: category, window, text, model use."""
    models = "<br>left out of models" if note.exclude_from_models else ""
    return (
        f"<b>{CATEGORIES.get(note.category, note.category)}</b> "
        f"({note.start_date.isoformat()} – {note.end_date.isoformat()})<br>{note.text}{models}"
    )


def unit_figure_json(
    values: MeasureValues, notes: Mapping[int, Sequence[AnnotationView]] | None = None
) -> str | None:
    """Suppressed cells get no bar (the table beside the chart says why they are hidden); a unit
    with context gets a marker beside its bar whose hover says what happened."""
    shown = sorted(
        (c for c in values.report.cells if not c.suppressed and c.value is not None and c.unit),
        key=lambda c: c.value or 0.0,
        reverse=not values.higher_is_better,
    )
    if not shown:
        return None
    bars = {
        "type": "bar",
        "x": [c.value for c in shown],
        "y": [c.unit for c in shown],
        "orientation": "h",
        "marker": {"color": GOOD_COLOUR},
        "customdata": [c.n for c in shown],
        "hovertemplate": "%{y}: %{x} (" + values.measure.unit + ", n = %{customdata})<extra></extra>",
    }
    markers = [
        {
            "x": cell.value,
            "y": cell.unit,
            "text": f"ⓘ {len(found)} context note{'s' if len(found) > 1 else ''}",
            "showarrow": False,
            "xanchor": "left",
            "xshift": 6,
            "font": {"color": CONTEXT_COLOUR},
            "hovertext": "<br><br>".join(note_hover(n) for n in found),
        }
        for cell in shown
        if (found := (notes or {}).get(cell.unit_id or -1, []))
    ]
    return figure_json(
        [bars],
        layout(
            120 + 24 * len(shown),
            font=METRIC_FONT,
            xaxis={"title": {"text": f"{values.measure.name} ({values.measure.unit})"}},
            yaxis={"automargin": True},
            annotations=markers,
        ),
    )


def weekly_figure_json(
    series: WeeklySeries,
    units: Sequence[int],
    notes: Sequence[AnnotationView],
    *,
    title: str,
    flagged: Sequence[tuple[int, dt.date]] = (),
) -> str | None:
    """Each unit's weekly line (gaps where its cell was not released), every annotation window as
    a shaded band with its category and text in the hover, and flagged weeks as red markers."""
    lines = [u for u in units if u in series.values.index]
    if not lines:
        return None
    weeks = [_day(w) for w in series.values.columns]
    days = [w.isoformat() for w in weeks]
    traces: list[dict[str, Any]] = []
    for i, unit in enumerate(lines):
        row = series.values.loc[unit].to_numpy(dtype=float)
        name = series.units.get(unit, str(unit))
        traces.append(
            {
                "type": "scatter",
                "x": days,
                "y": [None if v != v else float(v) for v in row],
                "mode": "lines+markers",
                "name": name,
                "line": {"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
                "hovertemplate": f"{name}, week of %{{x|%d %b %Y}}: %{{y}}<extra></extra>",
            }
        )
        marked = [weeks.index(w) for u, w in flagged if u == unit and w in weeks]
        if marked:
            traces.append(
                {
                    "type": "scatter",
                    "x": [days[j] for j in marked],
                    "y": [float(row[j]) for j in marked],
                    "mode": "markers",
                    "name": f"{name}: flagged weeks",
                    "marker": {
                        "color": FLAG_COLOUR,
                        "size": 12,
                        "symbol": "circle-open",
                        "line": {"width": 3},
                    },
                    "hovertemplate": "Flagged: week of %{x|%d %b %Y}<extra></extra>",
                }
            )
    # Each window is a band over the whole plot height from its first day to the day after its last
    # (what plotly.py's add_vrect wrote), with its category written above the plot.
    windows = [
        {
            "type": "rect",
            "x0": note.start_date.isoformat(),
            "x1": (note.end_date + dt.timedelta(days=1)).isoformat(),
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "y domain",
            "fillcolor": CONTEXT_COLOUR,
            "opacity": 0.15,
            "line": {"width": 0},
        }
        for note in notes
    ]
    labels = [
        {
            "x": note.start_date.isoformat(),
            "y": 1,
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "text": f"ⓘ {CATEGORIES.get(note.category, note.category)}",
            "font": {"color": CONTEXT_COLOUR},
            "hovertext": note_hover(note),
        }
        for note in notes
    ]
    return figure_json(
        traces,
        layout(
            320,
            margin={"t": 32},
            font=METRIC_FONT,
            yaxis={"title": {"text": title}},
            legend={"orientation": "h", "y": -0.2},
            shapes=windows,
            annotations=labels,
        ),
    )


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value.date()
