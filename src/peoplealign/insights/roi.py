"""People ROI: what departures cost, and what the initiatives people acted on saved, with honest
uncertainty.

Cost of attrition: each departure in the last twelve months priced with the turnover cost model
(`turnover_cost`), per org unit and department. A cell needs at least k leavers, so no unit's cost
tells what one person earned.

Avoided cost: teams where someone accepted or completed an initiative (a stay interview held, a
workload rebalanced, a development initiative started) are compared with comparable teams that had
none, a difference in differences: the change in a team's departure rate (per person-year) from the
period before the initiative to the same length of time after it, minus the mean change of the
untreated teams of the same department (of all untreated teams when its department has fewer than
two). Departures avoided are that difference times the team's person-years after, priced at the
mean replacement cost of its people. The interval is a percentile bootstrap over teams (treated
teams and each one's comparison teams resampled), reproducible with a seed. With few treated teams
the interval is wide, and the report says so rather than presenting the point estimate as a result.

The report is the charter's `roi` view: only roles the charter opens it to may read it, and their
scope still applies (a manager would see their own reporting line).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from peoplealign.insights.turnover_cost import TurnoverCostModel, load_cost_model
from peoplealign.policy import snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import Report
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, Decision, deny
from peoplealign.policy.workforce_access import UnitExposure, WorkforceData

MODEL_VERSION = "people-roi/1"
ROI_VIEW = "roi"
ROI_PURPOSE = "org_reporting"
INITIATIVE_KINDS = ("stay_interview", "rebalance", "development", "coaching")
ACTED_STATUSES = ("accepted", "done")
PERIOD_DAYS = 365
FOLLOW_UP_DAYS = 365
MIN_FOLLOW_UP_DAYS = 90
BOOTSTRAP_SAMPLES = 2000
FEW_TREATED = 5
MIN_CONTROLS_IN_DEPARTMENT = 2


@dataclass(frozen=True)
class AttritionCost:
    group: dict[str, Any]
    departures: int | None
    cost: float | None
    unpriced: int | None
    suppressed: bool
    reason: str | None


@dataclass(frozen=True)
class TreatedTeam:
    team: str
    since: str
    follow_up_days: int
    controls: int
    departures_avoided: float
    cost_avoided: float


@dataclass(frozen=True)
class AvoidedCost:
    treated_teams: list[TreatedTeam]
    departures_avoided: float | None
    cost_avoided: float | None
    interval: tuple[float, float] | None
    confidence: float
    samples: int
    seed: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RoiReport:
    as_of: dt.date
    period: tuple[dt.date, dt.date]
    k: int
    cost_model: TurnoverCostModel
    total: AttritionCost
    by_department: list[AttritionCost]
    by_org_unit: list[AttritionCost]
    avoided: AvoidedCost
    model_version: str = MODEL_VERSION

    @property
    def shown_org_units(self) -> list[AttritionCost]:
        return [c for c in self.by_org_unit if not c.suppressed]

    @property
    def hidden_org_units(self) -> int:
        """Org units not listed: too few leavers, or hidden so that others cannot be subtracted."""
        return sum(c.suppressed for c in self.by_org_unit)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "period": [d.isoformat() for d in self.period],
            "k": self.k,
            "model_version": self.model_version,
            "cost_model": self.cost_model.as_dict(),
            "attrition_cost": {
                "total": asdict(self.total),
                "by_department": [asdict(c) for c in self.by_department],
                "by_org_unit": [asdict(c) for c in self.by_org_unit],
            },
            "avoided_cost": asdict(self.avoided),
        }


def require_roi_view(session: Session, actor: Actor, charter: CharterDocument) -> None:
    """Refuse (audited) actors whose roles the charter does not open the ROI view to."""
    if ROI_VIEW in charter.views_for(actor.roles):
        return
    deny(
        session,
        actor,
        Action.READ_AGGREGATE.value,
        "hris",
        ROI_PURPOSE,
        Decision(
            False, "the People ROI view is not among the views of the actor's roles", "audiences.*.views"
        ),
        detail={"view": ROI_VIEW},
    )


def roi_report(
    session: Session,
    actor: Actor,
    as_of: dt.date | None = None,
    *,
    seed: int = 0,
    samples: int = BOOTSTRAP_SAMPLES,
    charter: CharterDocument | None = None,
) -> RoiReport:
    reader = WorkforceData(session, actor, ROI_PURPOSE, charter)
    require_roi_view(session, actor, reader.charter)
    day = as_of or dt.date.today()
    model = load_cost_model(session)
    start = day - dt.timedelta(days=PERIOD_DAYS)
    total = reader.departure_cells(start, day, model.cost)
    departments = reader.departure_cells(start, day, model.cost, ("department",))
    units = reader.departure_cells(start, day, model.cost, ("org_unit",))
    return RoiReport(
        as_of=day,
        period=(start, day),
        k=reader.charter.k_aggregate,
        cost_model=model,
        total=_costs(total)[0],
        by_department=_costs(departments),
        by_org_unit=_costs(units),
        avoided=avoided_cost(reader, model, day, seed=seed, samples=samples),
    )


def _costs(reports: dict[str, Report]) -> list[AttritionCost]:
    found = []
    for count, cost, unpriced in zip(
        reports["departures"].cells, reports["cost"].cells, reports["unpriced"].cells, strict=True
    ):
        visible = not count.suppressed
        found.append(
            AttritionCost(
                dict(count.group),
                int(count.value) if visible and count.value is not None else None,
                cost.value if visible else None,
                int(unpriced.value) if visible and unpriced.value is not None else None,
                not visible,
                count.reason,
            )
        )
    return found


def avoided_cost(
    reader: WorkforceData,
    model: TurnoverCostModel,
    as_of: dt.date,
    *,
    seed: int = 0,
    samples: int = BOOTSTRAP_SAMPLES,
    confidence: float = 0.95,
) -> AvoidedCost:
    """Departures and replacement cost avoided in teams that acted on an initiative, with a
    bootstrap interval; see the module docstring for the design."""
    notes: list[str] = []
    tree = snapshots.unit_tree(reader.session)
    since = reader.initiative_starts(INITIATIVE_KINDS, ACTED_STATUSES)
    measurable = {u: d for u, d in since.items() if (as_of - d).days >= MIN_FOLLOW_UP_DAYS}
    if len(measurable) < len(since):
        notes.append(
            f"{len(since) - len(measurable)} team(s) acted on an initiative less than "
            f"{MIN_FOLLOW_UP_DAYS} days ago: too recent to measure."
        )
    if not measurable:
        notes.append("No initiative was accepted or completed long enough ago to measure what it avoided.")
        return AvoidedCost([], None, None, None, confidence, samples, seed, notes)
    windows = sorted({w for d in measurable.values() for w in _windows(d, as_of)})
    exposure = {
        str(e.group["org_unit"]): e
        for e in reader.unit_exposure(windows, model.cost, as_of)
        if e.person_years
    }
    labels = {uid: tree.unit_label(uid) for uid in since}
    unit_ids = {label: uid for uid, label in tree.labels.items()}
    untreated = [label for label in exposure if label not in labels.values()]
    treated: list[tuple[str, dt.date, list[str]]] = []
    for unit_id, day in sorted(measurable.items(), key=lambda item: str(labels[item[0]])):
        label = labels[unit_id]
        if label not in exposure:
            notes.append(
                f"{label}: fewer than {reader.charter.k_aggregate} people or hidden, so not measured."
            )
            continue
        department = tree.department_label(unit_id)
        peers = [u for u in untreated if tree.department_label(unit_ids.get(u)) == department]
        treated.append((str(label), day, peers if len(peers) >= MIN_CONTROLS_IN_DEPARTMENT else untreated))
    if not treated or not untreated:
        notes.append("No comparable untreated team to compare with: the avoided cost cannot be estimated.")
        return AvoidedCost([], None, None, None, confidence, samples, seed, notes)
    index = {w: i for i, w in enumerate(windows)}
    teams = []
    for label, day, controls in treated:
        before, after = (index[w] for w in _windows(day, as_of))
        change = _rate_change(exposure[label], before, after)
        control_changes = np.array([_rate_change(exposure[c], before, after) for c in controls])
        years_after = exposure[label].person_years[after]
        price = exposure[label].mean_cost or 0.0
        teams.append((label, day, change, control_changes, years_after, price, (as_of - day).days))
    rows = [
        TreatedTeam(
            label,
            day.isoformat(),
            min(days, FOLLOW_UP_DAYS),
            len(controls),
            round(-(change - controls.mean()) * years, 2),
            round(-(change - controls.mean()) * years * price, 2),
        )
        for label, day, change, controls, years, price, days in teams
    ]
    draws = _bootstrap(teams, samples, seed)
    tail = (1 - confidence) / 2
    low, high = (float(np.quantile(draws, q)) for q in (tail, 1 - tail))
    if len(rows) < FEW_TREATED:
        notes.append(
            f"Only {len(rows)} treated team(s): the interval is wide and the estimate is indicative, "
            "not a result to plan on."
        )
    return AvoidedCost(
        rows,
        round(sum(r.departures_avoided for r in rows), 2),
        round(sum(r.cost_avoided for r in rows), 2),
        (round(low, 2), round(high, 2)),
        confidence,
        samples,
        seed,
        notes,
    )


def _windows(day: dt.date, as_of: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """Before and after an initiative: equal lengths, at most a year, ending at `as_of`."""
    length = dt.timedelta(days=min((as_of - day).days, FOLLOW_UP_DAYS))
    return (day - length, day), (day, day + length)


def _rate_change(unit: UnitExposure, before: int, after: int) -> float:
    """Departures per person-year after minus before."""

    def rate(i: int) -> float:
        years = unit.person_years[i]
        return unit.exits[i] / years if years else 0.0

    return rate(after) - rate(before)


def _bootstrap(
    teams: list[tuple[str, dt.date, float, np.ndarray, float, float, int]], samples: int, seed: int
) -> np.ndarray:
    """Total cost avoided under resampling of treated teams and, for each, of its comparison teams."""
    rng = np.random.default_rng(seed)
    n = len(teams)
    draws = np.empty(samples)
    for b in range(samples):
        total = 0.0
        for i in rng.integers(0, n, n):
            _, _, change, controls, years, price, _ = teams[i]
            resampled = controls[rng.integers(0, len(controls), len(controls))]
            total += -(change - resampled.mean()) * years * price
        draws[b] = total
    return draws
