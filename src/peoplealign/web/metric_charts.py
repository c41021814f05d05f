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

GOOD_COLOUR = "#2f5d8a"
CONTEXT_COLOUR = "#b35c00"
FLAG_COLOUR = "#b00020"
LINE_COLOURS = ("#2f5d8a", "#6b8e23", "#7a4fa3", "#8c564b", "#1b7c83")
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


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
    import plotly.graph_objects as go

    shown = sorted(
        (c for c in values.report.cells if not c.suppressed and c.value is not None and c.unit),
        key=lambda c: c.value or 0.0,
        reverse=not values.higher_is_better,
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
    for cell in shown:
        found = (notes or {}).get(cell.unit_id or -1, [])
        if found:
            figure.add_annotation(
                x=cell.value,
                y=cell.unit,
                text=f"ⓘ {len(found)} context note{'s' if len(found) > 1 else ''}",
                showarrow=False,
                xanchor="left",
                xshift=6,
                font={"color": CONTEXT_COLOUR},
                hovertext="<br><br>".join(note_hover(n) for n in found),
            )
    figure.update_layout(
        height=120 + 24 * len(shown),
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        xaxis_title=f"{values.measure.name} ({values.measure.unit})",
        yaxis={"automargin": True},
        font=FONT,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return _json(figure)


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
    import plotly.graph_objects as go

    lines = [u for u in units if u in series.values.index]
    if not lines:
        return None
    figure = go.Figure()
    weeks = [_day(w) for w in series.values.columns]
    for i, unit in enumerate(lines):
        row = series.values.loc[unit].to_numpy(dtype=float)
        name = series.units.get(unit, str(unit))
        figure.add_trace(
            go.Scatter(
                x=weeks,
                y=[None if v != v else float(v) for v in row],
                mode="lines+markers",
                name=name,
                line={"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
                hovertemplate=f"{name}, week of %{{x|%d %b %Y}}: %{{y}}<extra></extra>",
            )
        )
        marked = [w for u, w in flagged if u == unit and w in weeks]
        if marked:
            figure.add_trace(
                go.Scatter(
                    x=marked,
                    y=[float(row[weeks.index(w)]) for w in marked],
                    mode="markers",
                    name=f"{name}: flagged weeks",
                    marker={"color": FLAG_COLOUR, "size": 12, "symbol": "circle-open", "line": {"width": 3}},
                    hovertemplate="Flagged: week of %{x|%d %b %Y}<extra></extra>",
                )
            )
    for note in notes:
        figure.add_vrect(
            x0=note.start_date.isoformat(),
            x1=(note.end_date + dt.timedelta(days=1)).isoformat(),
            fillcolor=CONTEXT_COLOUR,
            opacity=0.15,
            line_width=0,
        )
        figure.add_annotation(
            x=note.start_date.isoformat(),
            y=1,
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            text=f"ⓘ {CATEGORIES.get(note.category, note.category)}",
            font={"color": CONTEXT_COLOUR},
            hovertext=note_hover(note),
        )
    figure.update_layout(
        height=320,
        margin={"l": 8, "r": 16, "t": 32, "b": 40},
        yaxis_title=title,
        font=FONT,
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "y": -0.2},
    )
    return _json(figure)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value.date()


def _json(figure: Any) -> str:
    # Inside a <script> element "</" would end it early; the JSON escape keeps the text identical.
    return str(figure.to_json()).replace("<", "\\u003c")
