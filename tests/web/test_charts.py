"""The server-built figures as the JSON plotly.js reads: the traces and values drawn, nothing of a
suppressed cell, titles as objects, JSON-native values, and text that cannot end its <script>
element; built without Python plotly, yet valid against its schema of the bundled plotly.js."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import json
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from peoplealign.alignment.organisation import UnitView
from peoplealign.decisions.town_hall import Chart, ChartSpec, Point
from peoplealign.insights.wellbeing import EFFICIENCY_RISE, STRESS_RISE, TeamBalance, WellbeingReport, Windows
from peoplealign.metrics.annotations import AnnotationView
from peoplealign.metrics.library import MeasureValues, WeeklySeries, measure
from peoplealign.policy.metric_access import UnitCell, UnitReport
from peoplealign.web import charts, insight_charts, listening_charts, metric_charts, town_hall_charts
from peoplealign.web.charts import BAR_COLOUR, figure_json, headcount_figure_json, layout
from peoplealign.web.insight_charts import quadrant_figure_json
from peoplealign.web.listening_charts import (
    alignment_figure_json,
    bar_figure_json,
    heatmap_json,
    sentiment_bar_json,
)
from peoplealign.web.metric_charts import unit_figure_json, weekly_figure_json
from peoplealign.web.town_hall_charts import town_hall_figure_json

DAY = dt.date(2025, 3, 3)


def _parse(text: str | None) -> dict[str, Any]:
    """The figure, checked against plotly.py's schema (generated from the bundled plotly.js), which
    names any property plotly.js would ignore."""
    import plotly.graph_objects as go

    assert text is not None
    assert "<" not in text, "a '<' in the JSON could close the <script> element it sits in"
    figure: dict[str, Any] = json.loads(text)
    go.Figure(figure)
    return figure


@pytest.mark.parametrize(
    "module", [charts, insight_charts, listening_charts, metric_charts, town_hall_charts]
)
def test_charts_never_import_python_plotly(module: ModuleType) -> None:
    """Building a graph object cost more than the rest of a page: figures are written as dicts."""
    tree = ast.parse(inspect.getsource(module))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] == "plotly"}


def _note(text: str = "Quarter-end migration") -> AnnotationView:
    return AnnotationView(
        id=1,
        metric_key="burnout_risk_index",
        org_unit_id=1,
        unit_code="ENG",
        start_date=DAY,
        end_date=DAY + dt.timedelta(days=6),
        category="workload",
        text=text,
        exclude_from_models=True,
        anomaly_id=None,
        created_at=dt.datetime(2025, 3, 10, 9, 0),
    )


def test_figure_json_escapes_script_ends_and_makes_values_json_native() -> None:
    text = figure_json(
        [
            {
                "type": "scatter",
                "x": [DAY, np.int64(3)],
                "y": [np.float64(1.5), float("nan")],
                "customdata": np.array([np.nan, 2.0]),
                "name": "</script>",
            }
        ],
        layout(200),
    )
    assert "</script>" not in text and "\\u003c/script>" in text

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON: the browser's JSON.parse would fail")

    trace = json.loads(text, parse_constant=refuse)["data"][0]
    assert (trace["x"], trace["y"], trace["name"]) == (["2025-03-03", 3], [1.5, None], "</script>")
    assert trace["customdata"] == [None, 2.0], "NaN inside an array is a gap too"


def test_layout_shares_the_look_and_overrides_single_margins() -> None:
    shared = layout(300, margin={"t": 24}, showlegend=False)
    assert (shared["height"], shared["plot_bgcolor"], shared["paper_bgcolor"]) == (300, "white", "white")
    assert shared["margin"] == {"l": 8, "r": 16, "t": 24, "b": 40} and shared["showlegend"] is False
    assert layout(300)["margin"]["t"] == 8, "an override does not leak into the shared margins"


def test_headcount_bars_only_counted_units_smallest_first() -> None:
    units = [
        UnitView(1, "ENG", "Engineering", "department", 19),
        UnitView(2, "LEG", "Legal <team>", "department", 3),
        UnitView(3, "SAL", "Sales", "department", None),
    ]
    figure = _parse(headcount_figure_json(units))
    (bar,) = figure["data"]
    assert (bar["type"], bar["orientation"], bar["marker"]["color"]) == ("bar", "h", BAR_COLOUR)
    assert (bar["y"], bar["x"], bar["text"]) == (["Legal <team>", "Engineering"], [3, 19], ["3", "19"])
    assert figure["layout"]["xaxis"]["title"] == {"text": "Active people"}
    assert headcount_figure_json([units[2]]) is None


def _chart(key: str, points: list[Point]) -> Chart:
    return Chart(ChartSpec(key, "title", "description", "unit", "survey", "purpose"), points)


def test_town_hall_trend_is_a_line_without_its_suppressed_quarter() -> None:
    points = [
        Point("Q1 2025", 40, 7.25, False, None),
        Point("Q2 2025", None, None, True, "fewer than 5 answers"),
        Point("Q3 2025", 41, 7.5, False, None),
    ]
    (line,) = _parse(town_hall_figure_json(_chart("engagement", points)))["data"]
    assert (line["type"], line["mode"]) == ("scatter", "lines+markers+text")
    assert (line["x"], line["y"], line["text"]) == (["Q1 2025", "Q3 2025"], [7.25, 7.5], ["7.25", "7.5"])


def test_town_hall_bars_label_headcounts_as_whole_numbers() -> None:
    points = [
        Point("Sales", 12, 12.0, False, None),
        Point("Legal", 3, None, True, "small"),
        Point("Eng", 19, 19.0, False, None),
    ]
    figure = _parse(town_hall_figure_json(_chart("headcount", points)))
    (bar,) = figure["data"]
    assert (bar["type"], bar["y"], bar["x"], bar["text"]) == (
        "bar",
        ["Sales", "Eng"],
        [12.0, 19.0],
        ["12", "19"],
    )
    assert figure["layout"]["height"] == 180 and figure["layout"]["margin"]["t"] == 24
    assert town_hall_figure_json(_chart("drivers", [points[1]])) is None


def _team(
    name: str, efficiency: float, stress: float, *, flagged: bool, suppressed: bool = False
) -> TeamBalance:
    return TeamBalance(
        team=name,
        team_id=None,
        n=16,
        suppressed=suppressed,
        efficiency_change=efficiency,
        stress_index=stress,
        flagged=flagged,
    )


def test_quadrant_draws_visible_teams_and_both_thresholds() -> None:
    teams = [
        _team("Platform", 0.12, 1.4, flagged=True),
        _team("Support", -0.05, 0.2, flagged=False),
        _team("Tiny", 0.3, 2.0, flagged=True, suppressed=True),
    ]
    windows = Windows((DAY, DAY), (DAY, DAY), "previous quarter")
    figure = _parse(quadrant_figure_json(WellbeingReport(DAY, 5, windows, teams, [])))
    flagged, others = figure["data"]
    assert (flagged["text"], flagged["x"], flagged["y"], flagged["marker"]["size"]) == (
        ["Platform"],
        [0.12],
        [1.4],
        [16.0],
    )
    assert (others["text"], others["mode"]) == (["Support"], "markers")
    vertical, horizontal = figure["layout"]["shapes"]
    assert (vertical["x0"], vertical["x1"], vertical["yref"]) == (
        EFFICIENCY_RISE,
        EFFICIENCY_RISE,
        "y domain",
    )
    assert (horizontal["y0"], horizontal["y1"], horizontal["xref"]) == (STRESS_RISE, STRESS_RISE, "x domain")
    assert figure["layout"]["xaxis"]["tickformat"] == "+.0%"
    assert quadrant_figure_json(WellbeingReport(DAY, 5, windows, teams[2:], [])) is None


def test_listening_bars_largest_at_the_top_with_percent_ticks_only_for_shares() -> None:
    share = _parse(
        bar_figure_json(["pay", "growth", "tools"], [0.2, 0.5, 0.1], "Share", ".0%", "%{y}: %{x:.0%}")
    )
    (bar,) = share["data"]
    assert (bar["y"], bar["x"], bar["text"]) == (
        ["tools", "pay", "growth"],
        [0.1, 0.2, 0.5],
        ["10%", "20%", "50%"],
    )
    assert share["layout"]["xaxis"] == {"title": {"text": "Share"}, "tickformat": ".0%"}
    impact = _parse(bar_figure_json(["pay"], [1.25], "Impact", ".2f", "%{y}"))
    assert "tickformat" not in impact["layout"]["xaxis"] and impact["layout"]["margin"]["b"] == 48
    assert bar_figure_json([], [], "Impact", ".2f", "%{y}") is None


def test_sentiment_bars_are_red_below_zero_on_a_fixed_axis() -> None:
    (bar,) = _parse(sentiment_bar_json(["a", "b"], [-0.2, 0.5]))["data"]
    assert (bar["y"], bar["marker"]["color"], bar["text"]) == (
        ["b", "a"],
        ["#2166ac", "#b2182b"],
        ["+0.50", "-0.20"],
    )


def test_heatmap_leaves_a_suppressed_cell_empty_with_its_reason() -> None:
    figure = _parse(
        heatmap_json(
            ["Engineering", "Sales"],
            ["pay", "growth"],
            [[0.1, None], [-0.3, 0.5]],
            [[None, "fewer than 5 comments"], [None, None]],
            value_format="+.2f",
            colour_range=(-1, 1),
            diverging=True,
        )
    )
    (heatmap,) = figure["data"]
    assert heatmap["type"] == "heatmap" and heatmap["z"] == [[0.1, None], [-0.3, 0.5]]
    assert heatmap["text"][0] == ["+0.10", "hidden"]
    assert (
        heatmap["hovertext"][0][1]
        == "Engineering · growth: hidden to protect anonymity: fewer than 5 comments"
    )
    assert (heatmap["zmin"], heatmap["zmax"]) == (-1, 1)
    sequential = heatmap_json(
        ["r"], ["c"], [[0.4]], [[None]], value_format=".0%", colour_range=(0, 1), diverging=False
    )
    colours = _parse(sequential)["data"][0]["colorscale"]
    assert colours[0] == [0.0, "rgb(247,251,255)"] and colours[-1] == [1.0, "rgb(8,48,107)"], "light to dark"
    hidden = heatmap_json(
        ["r"], ["c"], [[None]], [["small"]], value_format=".0%", colour_range=(0, 1), diverging=False
    )
    assert hidden is None


def test_alignment_places_objectives_beside_the_diagonal() -> None:
    diagonal, objectives = _parse(alignment_figure_json(["Growth", "Pay"], [1.0, 0.4], [0.5, 0.9]))["data"]
    assert (diagonal["x"], diagonal["y"], diagonal["hoverinfo"]) == ([0, 1], [0, 1], "skip")
    assert (objectives["text"], objectives["x"], objectives["y"]) == (
        ["Growth", "Pay"],
        [1.0, 0.4],
        [0.5, 0.9],
    )
    assert alignment_figure_json([], [], []) is None


def test_unit_bars_leave_out_suppressed_cells_and_mark_context() -> None:
    chosen = measure("time_to_proficiency")
    params = chosen.resolve()
    cells = [
        UnitCell(1, "Engineering", 20, 30.0, False, None),
        UnitCell(2, "Operations", 9, 45.0, False, None),
        UnitCell(3, "Tiny", 2, None, True, "fewer than 5 people"),
    ]
    values = MeasureValues(chosen, params, "org_unit", DAY, UnitReport(cells, k=5))
    figure = _parse(unit_figure_json(values, {1: [_note("Migration </script>")]}))
    (bar,) = figure["data"]
    assert (bar["type"], bar["y"], bar["x"], bar["customdata"]) == (
        "bar",
        ["Operations", "Engineering"],
        [45.0, 30.0],
        [9, 20],
    )
    (marker,) = figure["layout"]["annotations"]
    assert (marker["y"], marker["text"]) == ("Engineering", "ⓘ 1 context note")
    assert "Migration </script>" in marker["hovertext"]
    assert figure["layout"]["font"]["size"] == 13


def test_weekly_lines_have_gaps_dated_windows_and_flagged_weeks() -> None:
    weeks = pd.to_datetime(["2025-02-24", "2025-03-03", "2025-03-10"])
    frame = pd.DataFrame([[1.0, np.nan, 3.0], [2.0, 2.5, 2.0]], index=[1, 2], columns=weeks)
    series = WeeklySeries("burnout_risk_index", {}, 5, frame, frame, {1: "Engineering", 2: "Operations"})
    figure = _parse(
        weekly_figure_json(
            series, [1, 2, 99], [_note()], title="Burnout", flagged=[(1, dt.date(2025, 3, 10))]
        )
    )
    engineering, flagged, operations = figure["data"]
    assert engineering["x"] == ["2025-02-24", "2025-03-03", "2025-03-10"] and engineering["y"] == [
        1.0,
        None,
        3.0,
    ]
    assert (flagged["x"], flagged["y"], flagged["name"]) == (
        ["2025-03-10"],
        [3.0],
        "Engineering: flagged weeks",
    )
    assert operations["name"] == "Operations"
    (window,) = figure["layout"]["shapes"]
    assert (window["type"], window["x0"], window["x1"]) == ("rect", "2025-03-03", "2025-03-10")
    assert "Quarter-end migration" in figure["layout"]["annotations"][0]["hovertext"]
    assert weekly_figure_json(series, [99], [], title="Burnout") is None


def test_a_heatmap_is_built_once_per_content_and_anew_when_a_cell_changes() -> None:
    def figure(values: list[list[float | None]]) -> str | None:
        return heatmap_json(
            ["Engineering", "Sales"],
            ["pay", "growth"],
            values,
            [[None, None], [None, "fewer than 5 people"]],
            value_format=".0f",
            colour_range=(0, 100),
            diverging=False,
        )

    first = figure([[61.0, 55.0], [48.0, None]])
    built = listening_charts._heatmap_json.cache_info().misses
    assert figure([[61.0, 55.0], [48.0, None]]) == first
    assert listening_charts._heatmap_json.cache_info().misses == built, "same cells: kept"
    changed = _parse(figure([[61.0, 56.0], [48.0, None]]))
    assert changed["data"][0]["z"][0] == [61.0, 56.0], "a changed cell is drawn, not the kept figure"
