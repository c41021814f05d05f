"""The well-being quadrant, built on the server; the page ships only its JSON (see `charts`)."""

from __future__ import annotations

from peoplealign.insights.wellbeing import EFFICIENCY_RISE, STRESS_RISE, WellbeingReport

FLAGGED_COLOUR = "#b3261e"
OTHER_COLOUR = "#2f5d8a"


def quadrant_figure_json(report: WellbeingReport) -> str | None:
    """One point per visible team: efficiency change across, stress index up; hidden teams have none."""
    import plotly.graph_objects as go

    shown = [t for t in report.teams if not t.suppressed]
    if not shown:
        return None
    figure = go.Figure()
    for flagged, name, colour in (
        (True, "rebalance suggested", FLAGGED_COLOUR),
        (False, "other teams", OTHER_COLOUR),
    ):
        teams = [t for t in shown if t.flagged is flagged]
        figure.add_trace(
            go.Scatter(
                x=[t.efficiency_change for t in teams],
                y=[t.stress_index for t in teams],
                mode="markers+text" if flagged else "markers",
                text=[t.team for t in teams],
                textposition="top center",
                name=name,
                marker={"color": colour, "size": [8 + (t.n or 0) ** 0.5 * 2 for t in teams]},
                hovertemplate="%{text}<br>efficiency %{x:+.1%}<br>stress index %{y:+.2f}<extra></extra>",
            )
        )
    figure.add_vline(x=EFFICIENCY_RISE, line_dash="dot", line_color="#888")
    figure.add_hline(y=STRESS_RISE, line_dash="dot", line_color="#888")
    figure.update_layout(
        height=460,
        margin={"l": 8, "r": 16, "t": 8, "b": 40},
        xaxis={"title": "Change in output per contracted hour", "tickformat": "+.0%", "zeroline": True},
        yaxis={"title": "Stress index (1 = material rise)", "zeroline": True},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 14},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h"},
    )
    return figure.to_json().replace("<", "\\u003c")
