"""The well-being quadrant, built on the server; the page ships only its JSON (see `charts`)."""

from __future__ import annotations

from typing import Any

from peoplealign.insights.wellbeing import EFFICIENCY_RISE, STRESS_RISE, WellbeingReport
from peoplealign.web.charts import figure_json, layout

FLAGGED_COLOUR = "#b3261e"
OTHER_COLOUR = "#2f5d8a"
THRESHOLD_LINE = {"color": "#888", "dash": "dot"}


def quadrant_figure_json(report: WellbeingReport) -> str | None:
    """One point per visible team: efficiency change across, stress index up; hidden teams have none."""
    shown = [t for t in report.teams if not t.suppressed]
    if not shown:
        return None
    traces: list[dict[str, Any]] = []
    for flagged, name, colour in (
        (True, "rebalance suggested", FLAGGED_COLOUR),
        (False, "other teams", OTHER_COLOUR),
    ):
        teams = [t for t in shown if t.flagged is flagged]
        traces.append(
            {
                "type": "scatter",
                "x": [t.efficiency_change for t in teams],
                "y": [t.stress_index for t in teams],
                "mode": "markers+text" if flagged else "markers",
                "text": [t.team for t in teams],
                "textposition": "top center",
                "name": name,
                "marker": {"color": colour, "size": [8 + (t.n or 0) ** 0.5 * 2 for t in teams]},
                "hovertemplate": "%{text}<br>efficiency %{x:+.1%}<br>stress index %{y:+.2f}<extra></extra>",
            }
        )
    # The thresholds span the whole plot: a vertical line at the efficiency rise, a horizontal one at
    # the stress rise (what plotly.py's add_vline/add_hline wrote).
    thresholds = [
        {
            "type": "line",
            "x0": EFFICIENCY_RISE,
            "x1": EFFICIENCY_RISE,
            "xref": "x",
            "y0": 0,
            "y1": 1,
            "yref": "y domain",
        },
        {
            "type": "line",
            "x0": 0,
            "x1": 1,
            "xref": "x domain",
            "y0": STRESS_RISE,
            "y1": STRESS_RISE,
            "yref": "y",
        },
    ]
    return figure_json(
        traces,
        layout(
            460,
            xaxis={
                "title": {"text": "Change in output per contracted hour"},
                "tickformat": "+.0%",
                "zeroline": True,
            },
            yaxis={"title": {"text": "Stress index (1 = material rise)"}, "zeroline": True},
            legend={"orientation": "h"},
            shapes=[{**shape, "line": THRESHOLD_LINE} for shape in thresholds],
        ),
    )
