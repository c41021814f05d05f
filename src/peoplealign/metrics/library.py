"""The metric library: the measures a workshop can choose from, each computed through the policy
layer (purpose `metric_computation`) per org unit or department over a period.

A measure is code the product ships and reviews; what an organisation chooses is a definition that
names a measure and sets its parameters (`metrics.definitions`), never code of its own. Every
value carries its plain-language explanation and the library version, so a number on a dashboard
can always be traced back to how it was computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.policy.metric_access import CellValue, MetricData, Tables, UnitCell, UnitReport

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peoplealign.policy.actor import Actor

LIBRARY_VERSION = "metrics-library-1"
OWNER = "People analytics"
BURNOUT_THEME = "Burnout Risk & Workload"


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # number | integer | string
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def schema(self) -> dict[str, Any]:
        """The JSON Schema a definition's value for this parameter must satisfy."""
        found: dict[str, Any] = {"type": self.kind, "description": self.description}
        if self.minimum is not None:
            found["minimum"] = self.minimum
        if self.maximum is not None:
            found["maximum"] = self.maximum
        if self.choices:
            found["enum"] = list(self.choices)
        return found

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "default": self.default, **self.schema()}


Compute = Callable[[MetricData, Mapping[str, Any], str, dt.date], UnitReport]


@dataclass(frozen=True)
class Measure:
    """One library measure. `weekly` (activity-based measures only) turns parameters into the
    per-cell function of one week of work patterns, for weekly series and anomaly detection."""

    key: str
    name: str
    definition: str
    unit: str
    higher_is_better: bool
    audience: str
    sources: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    compute: Compute = field(repr=False)
    weekly: Callable[[Mapping[str, Any]], CellValue] | None = field(default=None, repr=False)
    owner: str = OWNER
    # Some parameters change which way is good (Burt's constraint falls as bridging ties grow):
    # the direction of a chosen setting, when it is not `higher_is_better` for every setting.
    direction: Callable[[Mapping[str, Any]], bool] | None = field(default=None, repr=False)

    def higher_is_better_for(self, params: Mapping[str, Any]) -> bool:
        """Which way is good for these (resolved) parameters: dashboards, charts and specs use this,
        never the default direction, so a metric and its arrow always agree."""
        return self.direction(params) if self.direction is not None else self.higher_is_better

    def resolve(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults overlaid with `given`, each checked against its parameter's type and range."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(given or {}) - set(known))
        if unknown:
            raise InvalidInputError(
                f"{self.key} has no parameter {', '.join(unknown)}; it takes {', '.join(known) or 'none'}"
            )
        resolved = {p.name: p.default for p in self.parameters}
        for name, value in (given or {}).items():
            resolved[name] = _checked(known[name], value, self.key)
        return resolved

    def explain(self, params: Mapping[str, Any]) -> str:
        settings = ", ".join(f"{k} = {v}" for k, v in params.items())
        return f"{self.definition} Parameters: {settings}." if settings else self.definition

    def describe(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "definition": self.definition,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better_for(self.resolve()),
            "direction_reversed_by": self._reversals(),
            "owner": self.owner,
            "audience": self.audience,
            "sources": list(self.sources),
            "weekly": self.weekly is not None,
            "parameters": [p.as_dict() for p in self.parameters],
        }

    def _reversals(self) -> list[dict[str, Any]]:
        """The parameter choices that reverse the default direction, so a workshop sees it before
        choosing them."""
        default = self.higher_is_better_for(self.resolve())
        return [
            {p.name: choice}
            for p in self.parameters
            for choice in p.choices
            if self.higher_is_better_for(self.resolve({p.name: choice})) != default
        ]


def _checked(parameter: Parameter, value: Any, measure: str) -> Any:
    where = f"{measure}.{parameter.name}"
    if parameter.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
            raise InvalidInputError(f"{where}: expected a whole number (got {value!r})")
        value = int(value)
    elif parameter.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInputError(f"{where}: expected a number (got {value!r})")
        value = float(value)
    elif not isinstance(value, str):
        raise InvalidInputError(f"{where}: expected text (got {value!r})")
    if parameter.choices and value not in parameter.choices:
        raise InvalidInputError(f"{where}: expected one of {', '.join(parameter.choices)} (got {value!r})")
    if parameter.minimum is not None and value < parameter.minimum:
        raise InvalidInputError(f"{where}: must be at least {parameter.minimum} (got {value!r})")
    if parameter.maximum is not None and value > parameter.maximum:
        raise InvalidInputError(f"{where}: must be at most {parameter.maximum} (got {value!r})")
    return value


def _window(days: int) -> Parameter:
    return Parameter(
        "window_days", "integer", days, "Length of the period ending on the as-of date, in days.", 7, 1095
    )


def _start(params: Mapping[str, Any], end: dt.date) -> dt.date:
    return end - dt.timedelta(days=int(params["window_days"]))


def _in_window(dates: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    stamps = pd.to_datetime(dates)
    return (stamps >= pd.Timestamp(start)) & (stamps <= pd.Timestamp(end))


def _ratio(num: float, den: float) -> float:
    return float("nan") if den == 0 else float(num) / float(den)


# --- work patterns ------------------------------------------------------------------------------


def _mean_of(column: str) -> CellValue:
    def value(tables: Tables) -> float:
        return float(tables["activity"][column].mean())

    return value


def _share_of_hours(column: str) -> CellValue:
    def value(tables: Tables) -> float:
        rows = tables["activity"]
        return 100 * _ratio(rows[column].sum(), rows["hours"].sum())

    return value


SIGNALS: dict[str, tuple[str, CellValue]] = {
    "hours": ("Hours worked per person and week", _mean_of("hours")),
    "after_hours": ("After-hours work per person and week (hours)", _mean_of("after_hours")),
    "meeting_hours": ("Meeting hours per person and week", _mean_of("meeting_hours")),
    "pto_hours": ("Time off per person and week (hours)", _mean_of("pto_hours")),
    "output": ("Team-defined output per person and week", _mean_of("output")),
    "after_hours_share": ("Share of hours worked after hours (%)", _share_of_hours("after_hours")),
    "meeting_load": ("Share of hours spent in meetings (%)", _share_of_hours("meeting_hours")),
}
"""Work-pattern signals: not KPIs to agree on, but the weekly series anomaly detection watches."""

BURNOUT_WEIGHTS = {"after_hours": 0.35, "meeting_load": 0.2, "pto_deficit": 0.2, "sentiment": 0.25}


def _workload_components(rows: pd.DataFrame, params: Mapping[str, Any]) -> dict[str, float]:
    """Each component scaled to [0, 1], 1 being the ceiling the parameters call a burnout level."""
    hours = float(rows["hours"].sum())
    if hours == 0:
        return {}
    after = float(rows["after_hours"].sum()) / hours
    meetings = float(rows["meeting_hours"].sum()) / hours
    pto = float(rows["pto_hours"].mean())
    return {
        "after_hours": min(1.0, after / params["after_hours_ceiling"]),
        "meeting_load": min(1.0, meetings / params["meeting_load_ceiling"]),
        "pto_deficit": max(0.0, 1.0 - pto / params["expected_pto_hours_per_week"]),
    }


def _weighted(components: Mapping[str, float], params: Mapping[str, Any]) -> float:
    """The weighted mean of the components present: a missing one (e.g. sentiment below k_comments)
    does not count as zero risk, its weight is shared out among the others."""
    weights = {name: float(params[f"weight_{name}"]) for name in components}
    total = sum(weights.values())
    if not components or total == 0:
        return float("nan")
    return sum(components[name] * weights[name] for name in components) / total


def _burnout_weekly(params: Mapping[str, Any]) -> CellValue:
    def value(tables: Tables) -> float:
        return _weighted(_workload_components(tables["activity"], params), params)

    return value


def _burnout(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    start = _start(params, end)
    workload = reader.activity_period(_burnout_weekly(params), by, start, end, label="burnout_risk_index")
    sentiment: dict[int | None, float] = {}
    overall = None
    if reader.charter.allows_purpose("comments", reader.purpose):
        mood = reader.comment_themes(
            _mean_sentiment, params["theme"], by, start, end, label="burnout_risk_index"
        )
        sentiment = mood.visible()
        if mood.total is not None and not mood.total.suppressed:
            overall = mood.total.value
    workload_weight = sum(float(params[f"weight_{name}"]) for name in WORKLOAD_COMPONENTS)
    weight = float(params["weight_sentiment"])

    def combined(cell: UnitCell, mood: float | None) -> UnitCell:
        if cell.suppressed or cell.value is None or mood is None:
            return cell
        # Sentiment in [-1, 1] becomes risk in [0, 1]: the most negative comments are the highest risk.
        risk = (1.0 - mood) / 2.0
        return replace(
            cell, value=round((cell.value * workload_weight + risk * weight) / (workload_weight + weight), 2)
        )

    cells = [combined(c, sentiment.get(c.unit_id)) for c in workload.cells]
    total = combined(workload.total, overall) if workload.total is not None else None
    return UnitReport(cells, workload.k, total)


def _mean_sentiment(tables: Tables) -> float:
    return float(tables["comments"]["sentiment"].mean())


# --- collaboration ------------------------------------------------------------------------------


def _collaboration(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    component = params["component"]
    per_read: dict[str, Any] = {}  # what every cell of one read shares, computed for the first

    def graph(edges: pd.DataFrame) -> Any:
        """Undirected, weights summed both ways; built once per read, not per cell."""
        if "graph" not in per_read:
            import networkx as nx

            pairs = (
                edges.assign(
                    a=edges[["source", "target"]].min(axis=1), b=edges[["source", "target"]].max(axis=1)
                )
                .groupby(["a", "b"])["weight"]
                .sum()
            )
            built = nx.Graph()
            ends = zip(pairs.index.get_level_values(0), pairs.index.get_level_values(1), pairs, strict=True)
            built.add_weighted_edges_from((int(a), int(b), float(w)) for a, b, w in ends)
            per_read["graph"] = built
        return per_read["graph"]

    def weights(edges: pd.DataFrame) -> pd.DataFrame:
        """Each person's interaction weight, in all and with people outside their unit: summed once
        per read instead of scanning every edge for every cell."""
        if "weights" not in per_read:
            across = edges["weight"].where(edges["source_unit"] != edges["target_unit"], 0.0)
            per_read["weights"] = (
                pd.DataFrame({"all": edges["weight"], "across": across}).groupby(edges["source"]).sum()
            )
        return per_read["weights"]

    def value(tables: Tables) -> float:
        edges, members = tables["edges"], tables["members"]
        people = set(members["person_id"].astype(int))
        if component == "cross_team_share":
            sums = weights(edges)
            mine = sums[sums.index.isin(people)]
            return 100 * _ratio(mine["across"].sum(), mine["all"].sum())
        whole = graph(edges)
        if component == "density":
            import networkx as nx

            return float(nx.density(whole.subgraph(people)))
        import networkx as nx

        if "constraint" not in per_read:
            per_read["constraint"] = nx.constraint(whole, weight="weight")
        scores = [per_read["constraint"][p] for p in people if p in whole]
        return float(pd.Series(scores, dtype="float").mean())

    return reader.collaboration(value, by, _start(params, end), end, label="team_collaboration")


# --- employment ---------------------------------------------------------------------------------


def _retention(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    start = _start(params, end)

    def value(tables: Tables) -> float:
        people = tables["people"]
        there = people[people["hire_date"].isna() | (people["hire_date"] <= pd.Timestamp(start))]
        return 100 * _ratio(there["active_at_end"].sum(), len(there))

    return reader.employment(value, by, start, end, label="retention")


def _regretted_attrition(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    start = _start(params, end)

    def value(tables: Tables) -> float:
        people = tables["people"]
        there = people[people["hire_date"].isna() | (people["hire_date"] <= pd.Timestamp(start))]
        left = people[~people["active_at_end"] & (people["exit_regretted"] == True)]  # noqa: E712
        return 100 * _ratio(len(left), len(there))

    return reader.employment(value, by, start, end, label="regretted_attrition_rate")


# --- growth -------------------------------------------------------------------------------------


def _time_to_proficiency(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    start = _start(params, end)

    def value(tables: Tables) -> float:
        reached = tables["milestones"]
        reached = reached[
            (reached["milestone"] == params["milestone"]) & _in_window(reached["reached_on"], start, end)
        ]
        first = reached.groupby("person_id")["reached_on"].min()
        hires = tables["people"].set_index("person_id")["hire_date"]
        days = (pd.to_datetime(first) - hires.reindex(first.index)).dt.days.dropna()
        return float(days.median()) if len(days) else float("nan")

    return reader.growth(value, by, start, end, label="time_to_proficiency")


def _internal_mobility(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    start = _start(params, end)
    kinds = {k.strip() for k in str(params["kinds"]).split(",") if k.strip()}

    def value(tables: Tables) -> float:
        people = tables["people"]
        present = set(people.loc[people["active_at_end"], "person_id"])
        moves = tables["moves"]
        moved = moves[moves["kind"].isin(kinds) & _in_window(moves["move_date"], start, end)]
        return 100 * _ratio(len(set(moved["person_id"]) & present), len(present))

    return reader.growth(value, by, start, end, label="internal_mobility")


def _learning_hours(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    start = _start(params, end)

    def value(tables: Tables) -> float:
        people = tables["people"]
        present = int(people["active_at_end"].sum())
        learning = tables["enrollments"]
        when = learning["completed_on"].where(learning["completed_on"].notna(), learning["enrolled_on"])
        return _ratio(learning.loc[_in_window(when, start, end), "hours_completed"].sum(), present)

    return reader.growth(value, by, start, end, label="learning_hours")


def _skill_coverage(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    start = _start(params, end)

    def value(tables: Tables) -> float:
        demand = tables["demand"]
        demand = demand[pd.to_datetime(demand["period_start"]) <= pd.Timestamp(end)]
        if demand.empty:
            return float("nan")
        latest = demand[demand["period_start"] == demand["period_start"].max()]
        strategic = latest[latest["strategic_weight"] >= params["min_strategic_weight"]]
        people = tables["people"]
        needed = (
            strategic.assign(fte=strategic["demand_fte"] * strategic["share"])
            .groupby("skill")
            .agg(fte=("fte", "sum"), weight=("strategic_weight", "max"))
        )
        present = set(people.loc[people["active_at_end"], "person_id"])
        skills = tables["skills"]
        able = skills[
            skills["person_id"].isin(present) & (skills["proficiency"] >= params["min_proficiency"])
        ]
        supply = able.groupby("skill")["person_id"].nunique().reindex(needed.index, fill_value=0)
        covered = (supply.clip(upper=needed["fte"]) * needed["weight"]).sum()
        return _ratio(covered, (needed["fte"] * needed["weight"]).sum())

    return reader.growth(value, by, start, end, label="strategic_skill_coverage")


# --- survey -------------------------------------------------------------------------------------


def _engagement(reader: MetricData, params: Mapping[str, Any], by: str, end: dt.date) -> UnitReport:
    """The listening service's engagement index, read through the survey gateway for this purpose."""
    from peoplealign.policy.gateway import PersonalData

    survey = params["survey"] or _latest_survey(reader.session, end)
    if survey is None:
        raise NotFoundError(f"no survey opened by {end.isoformat()} yet; import a survey to see this")
    gateway = PersonalData(reader.session, reader.actor, reader.purpose, reader.charter)
    report = gateway.survey_cells("engagement", [by] if by else [], survey_id=survey)
    return reader.unit_report(report, by)


def _latest_survey(session: Session, end: dt.date) -> str | None:
    """The last survey opened by the end of the period (survey descriptions are not personal data)."""
    from sqlalchemy import select

    from peoplealign.store.models import Survey

    return session.scalar(
        select(Survey.code)
        .where(Survey.opened_on <= end)
        .order_by(Survey.opened_on.desc(), Survey.id.desc())
        .limit(1)
    )


# --- the library --------------------------------------------------------------------------------

WORKLOAD_COMPONENTS = ("after_hours", "meeting_load", "pto_deficit")

MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "time_to_proficiency",
            "Time to proficiency",
            "How long new colleagues take to become fully productive: the median number of days from "
            "joining to reaching the proficiency milestone, over people who reached it in the period.",
            "days",
            False,
            "manager",
            ("skills", "hris"),
            (
                _window(365),
                Parameter(
                    "milestone", "string", "fully_proficient", "The milestone that counts as proficient."
                ),
            ),
            _time_to_proficiency,
        ),
        Measure(
            "internal_mobility",
            "Internal mobility rate",
            "How often people grow here rather than elsewhere: the share of people employed at the end "
            "of the period who made an internal move (of the chosen kinds) during it.",
            "%",
            True,
            "manager",
            ("skills", "hris"),
            (
                _window(365),
                Parameter(
                    "kinds",
                    "string",
                    "promotion,lateral,transfer",
                    "Kinds of move that count, comma-separated.",
                ),
            ),
            _internal_mobility,
        ),
        Measure(
            "team_collaboration",
            "Team collaboration",
            "How a team works with the rest of the organisation, from interaction counts only (never "
            "content). cross_team_share: the share of the team's interactions with people outside the "
            "team; density: how many pairs of team members work together, of all pairs; constraint: "
            "Burt's network constraint, the mean over members (lower means more bridging ties, so "
            "lower is better for this component).",
            "% / ratio",
            True,
            "manager",
            ("collaboration",),
            (
                _window(90),
                Parameter(
                    "component",
                    "string",
                    "cross_team_share",
                    "Which aspect of collaboration the metric reports.",
                    choices=("cross_team_share", "density", "constraint"),
                ),
            ),
            _collaboration,
            direction=lambda params: params["component"] != "constraint",
        ),
        Measure(
            "retention",
            "Retention",
            "The share of people employed at the start of the period who are still here at its end.",
            "%",
            True,
            "manager",
            ("hris",),
            (_window(365),),
            _retention,
        ),
        Measure(
            "regretted_attrition_rate",
            "Regretted attrition",
            "Departures we wish had not happened: regretted leavers during the period as a share of the "
            "people employed at its start.",
            "%",
            False,
            "manager",
            ("hris",),
            (_window(365),),
            _regretted_attrition,
        ),
        Measure(
            "engagement_index",
            "Engagement index",
            "The survey engagement index: each respondent's share of favourable answers (4-5 of 5) on "
            "the engagement items, averaged over respondents.",
            "%",
            True,
            "manager",
            ("survey",),
            (
                Parameter(
                    "survey",
                    "string",
                    "",
                    "Survey id or code; empty means the last one opened by the as-of date.",
                ),
            ),
            _engagement,
        ),
        Measure(
            "burnout_risk_index",
            "Burnout risk index",
            "An early-warning index between 0 (no sign of strain) and 1: the weighted mean of the "
            "share of hours worked after hours (1 at after_hours_ceiling), the share of hours in "
            "meetings (1 at meeting_load_ceiling), the time-off deficit against expected time off, "
            "and the sentiment of comments on the burnout theme (-1 to 1 mapped to 1 to 0; used only "
            "where the charter allows comments for metric computation and k_comments people wrote). "
            "A missing component's weight is shared among the others.",
            "index 0-1",
            False,
            "manager",
            ("activity", "comments"),
            (
                _window(90),
                Parameter("after_hours_ceiling", "number", 0.25, "After-hours share that scores 1.", 0.01, 1),
                Parameter(
                    "meeting_load_ceiling", "number", 0.5, "Meeting share of hours that scores 1.", 0.01, 1
                ),
                Parameter(
                    "expected_pto_hours_per_week",
                    "number",
                    3.8,
                    "Time off a rested person takes per week on average (25 days a year is 3.8 h).",
                    0.1,
                    40,
                ),
                Parameter("theme", "string", BURNOUT_THEME, "The comment theme whose sentiment counts."),
                *(
                    Parameter(
                        f"weight_{name}",
                        "number",
                        weight,
                        f"Weight of the {name.replace('_', ' ')} component.",
                        0,
                        1,
                    )
                    for name, weight in BURNOUT_WEIGHTS.items()
                ),
            ),
            _burnout,
            _burnout_weekly,
        ),
        Measure(
            "learning_hours",
            "Learning hours",
            "Time invested in learning: hours of learning programmes completed during the period per "
            "person employed at its end.",
            "hours per person",
            True,
            "manager",
            ("skills", "hris"),
            (_window(365),),
            _learning_hours,
        ),
        Measure(
            "strategic_skill_coverage",
            "Strategic skill coverage",
            "Whether we have the skills our strategy needs: for skills whose strategic weight is at "
            "least min_strategic_weight, the weighted share of the latest demand (in people) met by "
            "people holding the skill at min_proficiency or above. Demand recorded for the whole "
            "organisation or a department is shared among its units by headcount.",
            "share 0-1",
            True,
            "analyst",
            ("skills", "hris"),
            (
                _window(365),
                Parameter(
                    "min_strategic_weight", "number", 1.5, "Strategic weight from which a skill counts.", 0
                ),
                Parameter(
                    "min_proficiency",
                    "integer",
                    3,
                    "Proficiency (1-5) that counts as having the skill.",
                    1,
                    5,
                ),
            ),
            _skill_coverage,
        ),
    )
}


def measure(key: str) -> Measure:
    try:
        return MEASURES[key]
    except KeyError:
        raise InvalidInputError(f"unknown measure {key!r}; the library has {', '.join(MEASURES)}") from None


@dataclass(frozen=True)
class MeasureValues:
    """A measure's cells for one period, with how they were computed."""

    measure: Measure
    parameters: dict[str, Any]
    by: str
    as_of: dt.date
    report: UnitReport
    library_version: str = LIBRARY_VERSION

    @property
    def explanation(self) -> str:
        return self.measure.explain(self.parameters)

    @property
    def higher_is_better(self) -> bool:
        return self.measure.higher_is_better_for(self.parameters)

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure.key,
            "name": self.measure.name,
            "unit": self.measure.unit,
            "higher_is_better": self.higher_is_better,
            "parameters": self.parameters,
            "by": self.by or "organisation",
            "as_of": self.as_of.isoformat(),
            "k": self.report.k,
            "explanation": self.explanation,
            "library_version": self.library_version,
            "cells": [c.as_dict() for c in self.report.cells],
        }


def compute(
    session: Session,
    actor: Actor,
    key: str,
    params: Mapping[str, Any] | None = None,
    *,
    by: str = "org_unit",
    as_of: dt.date | None = None,
) -> MeasureValues:
    """A measure per unit (or for the organisation with by="") over the period ending `as_of`."""
    chosen = measure(key)
    resolved = chosen.resolve(params)
    day = as_of or dt.date.today()
    reader = MetricData(session, actor, computing=_computing(key, resolved))
    report = chosen.compute(reader, resolved, by, day)
    return MeasureValues(chosen, resolved, by, day, report)


def _computing(key: str, resolved: Mapping[str, Any]) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """What a measure's cell functions compute: the reads keep their cells under it, so a definition
    with other parameters never gets another one's numbers."""
    return key, tuple(sorted(resolved.items()))


@dataclass(frozen=True)
class WeeklySeries:
    """A measure per unit and week: `values` and `counts` are unit id x week-start frames, NaN where
    a cell is suppressed (fewer than k people, or hidden against differencing) or has no data."""

    measure: str
    parameters: dict[str, Any]
    k: int
    values: pd.DataFrame
    counts: pd.DataFrame
    units: dict[int, str]
    library_version: str = LIBRARY_VERSION


def weekly_series(
    session: Session,
    actor: Actor,
    measure_key: str,
    params: Mapping[str, Any] | None = None,
    *,
    by: str = "org_unit",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> WeeklySeries:
    """Each unit's weekly series of a work-pattern signal (`SIGNALS`) or of an activity-based
    measure (one with `weekly`), read through the policy layer with purpose metric_computation."""
    if measure_key in SIGNALS:
        if params:
            raise InvalidInputError(f"the signal {measure_key} takes no parameters")
        resolved: dict[str, Any] = {}
        value_of = SIGNALS[measure_key][1]
    else:
        chosen = measure(measure_key)
        if chosen.weekly is None:
            weekly = ", ".join([*SIGNALS, *(m.key for m in MEASURES.values() if m.weekly)])
            raise InvalidInputError(f"{measure_key} has no weekly series; weekly series exist for {weekly}")
        resolved = chosen.resolve(params)
        value_of = chosen.weekly(resolved)
    reader = MetricData(session, actor, computing=_computing(measure_key, resolved))
    reports = reader.activity_weekly(value_of, by, start, end, label=measure_key)
    return _series(measure_key, resolved, reports, lambda value: value)


def weekly_signals(
    session: Session,
    actor: Actor,
    signals: Sequence[str],
    *,
    by: str = "org_unit",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, WeeklySeries]:
    """Several work-pattern signals' weekly series from one policy-layer read: a page drawing
    two signals of a team pays for one anonymity decision per week, not two."""
    unknown = sorted(set(signals) - set(SIGNALS))
    if unknown:
        raise InvalidInputError(f"unknown signal(s) {', '.join(unknown)}; choose from {', '.join(SIGNALS)}")
    found: list[dict[str, float]] = []

    def summarise(tables: Tables) -> float:
        found.append({s: SIGNALS[s][1](tables) for s in signals})
        return float(len(found) - 1)  # where this cell's values are: its released "value"

    label = f"signals:{','.join(signals)}"
    reports = MetricData(session, actor).activity_weekly(summarise, by, start, end, label=label)

    def picker(signal: str) -> Callable[[float], float]:
        return lambda value: round(found[int(value)][signal], 2)

    return {s: _series(s, {}, reports, picker(s)) for s in signals}


def _series(
    key: str, params: dict[str, Any], reports: Mapping[dt.date, UnitReport], pick: Callable[[float], float]
) -> WeeklySeries:
    values: dict[dt.date, dict[int, float]] = {}
    counts: dict[dt.date, dict[int, float]] = {}
    units: dict[int, str] = {}
    k = 0
    for week, report in reports.items():
        k = report.k
        for cell in report.cells:
            if cell.unit_id is None:
                continue
            units[cell.unit_id] = cell.unit or str(cell.unit_id)
            values.setdefault(week, {})[cell.unit_id] = (
                float("nan") if cell.value is None else pick(cell.value)
            )
            counts.setdefault(week, {})[cell.unit_id] = float("nan") if cell.n is None else float(cell.n)
    frame = pd.DataFrame(values).sort_index(axis=0).sort_index(axis=1)
    frame.index.name, frame.columns.name = "org_unit_id", "week_start"
    sizes = pd.DataFrame(counts).reindex(index=frame.index, columns=frame.columns)
    return WeeklySeries(key, params, k, frame, sizes, units)
