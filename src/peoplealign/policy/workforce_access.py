"""Workforce aggregates for the insights services: skills, work patterns, attrition and its cost.

Same door as `gateway.PersonalData` (this is a subclass): each read names an actor and a purpose the
charter lists for the data source, the breakdown is checked against the actor's scope, cells come
from the one cached anonymity decision per population (k-suppression and differencing protection)
and the read is audited. Values are computed here from people's rows; services only ever see cells.

Populations differ per question (the people who hold or need a skill, the people who worked in a
window, the people who left in one), so each gets its own decision: a cell of leavers is visible only
when at least k people left it, whatever the size of the team they left.

The cells of a question are kept per data version and audience (`snapshots.cached`): dashboards ask
the same questions request after request. Authorisation and the audit event stay per read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from peoplealign.policy import snapshots
from peoplealign.policy.aggregates import Cell, Report, build_report
from peoplealign.policy.anonymity import Member
from peoplealign.policy.engine import Obligations
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.population import dimensions, load_person_facts, load_unit_tree
from peoplealign.store.models import ActivityWeek, Person, PersonSkill, Recommendation, RoleRequirement, Skill

ACTIVITY_MEASURES = ("hours", "after_hours", "meeting_hours", "pto_hours", "output", "person_weeks")
SKILL_MEASURES = ("supply", "required", "unmet")

# Replacement cost of one departure from the person's level and salary (None when unknown).
CostRule = Callable[[int | None, float | None], float | None]


@dataclass(frozen=True)
class SkillCells:
    """One skill's counts per cell: `supply` people at or above the working level, `required` people
    whose role requires the skill, `unmet` of those below the role's required level."""

    skill: str
    name: str
    reports: dict[str, Report]


@dataclass(frozen=True)
class UnitExposure:
    """One released org-unit cell over several windows: person-years employed and departures per
    window, and the mean replacement cost of the people in it (for turning departures into money)."""

    group: dict[str, object]
    n: int
    person_years: tuple[float, ...]
    exits: tuple[int, ...]
    mean_cost: float | None


class WorkforceData(PersonalData):
    """Aggregate reads of skills, work patterns and departures for one actor and purpose."""

    def skill_cells(
        self, by: Sequence[str] = (), working_level: int = 3, as_of: dt.date | None = None
    ) -> list[SkillCells]:
        """Per skill, supply / requirement / unmet requirement counts among active people. The
        population of a skill is everyone who holds it or whose role requires it."""
        day = as_of or dt.date.today()
        detail = {"metric": "skill_supply", "by": list(by), "working_level": working_level}
        obligations = self._authorize_aggregate("skills", by, {}, detail)
        key = ("skill_cells", tuple(by), working_level, day, obligations.k, *self._audience_key(obligations))
        found = list(
            snapshots.cached(
                self.session, key, lambda: self._skill_cells(obligations, by, working_level, day)
            )
        )
        self._audit_aggregate(
            "skills",
            {**detail, "scope": obligations.scope.value, "skills": len(found)},
            Report([c for s in found for c in s.reports["supply"].cells], obligations.k),
        )
        return found

    def _skill_cells(
        self, obligations: Obligations, by: Sequence[str], working_level: int, day: dt.date
    ) -> tuple[SkillCells, ...]:
        active = _active_people(self, day)
        held = self.session.execute(
            select(PersonSkill.person_id, PersonSkill.skill_id, PersonSkill.proficiency)
        ).all()
        needs = self.session.execute(
            select(Person.id, RoleRequirement.skill_id, RoleRequirement.required_proficiency).join(
                RoleRequirement, RoleRequirement.job_title == Person.job_title
            )
        ).all()
        proficiency = {(r.person_id, r.skill_id): r.proficiency for r in held if r.person_id in active}
        required = {(r.id, r.skill_id): r.required_proficiency for r in needs if r.id in active}
        audience = self._audience(obligations, {p: str(p) for p in active})
        found = []
        for skill in self.session.scalars(select(Skill).order_by(Skill.code)):
            holders = {p for (p, s), level in proficiency.items() if s == skill.id and level >= working_level}
            needing = {p: level for (p, s), level in required.items() if s == skill.id}
            unmet = {p for p, level in needing.items() if proficiency.get((p, skill.id), 0) < level}
            people = holders | set(needing)
            if not people:
                continue
            population = [Member(str(p), active[p]) for p in sorted(people)]
            sets = {"supply": holders, "required": set(needing), "unmet": unmet}
            reports = {
                name: build_report(population, audience, obligations.k, by, {}, _counter(chosen))
                for name, chosen in sets.items()
            }
            found.append(SkillCells(skill.code, skill.name, reports))
        return tuple(found)

    def activity_cells(
        self, windows: Sequence[tuple[dt.date, dt.date]], by: Sequence[str] = ()
    ) -> list[dict[str, Report]]:
        """Totals of weekly work patterns per cell for each window of weeks [start, end): per window,
        one report per measure of `ACTIVITY_MEASURES` (`person_weeks` counts the weeks behind the
        totals). One population (everyone with weeks in any window, placed in their current unit) and
        so one anonymity decision for all windows: a comparison over time shows the same cells."""
        detail = {
            "metric": "work_patterns",
            "by": list(by),
            "windows": [[a.isoformat(), b.isoformat()] for a, b in windows],
        }
        obligations = self._authorize_aggregate("activity", by, {}, detail)
        key = ("activity_cells", tuple(windows), tuple(by), obligations.k, *self._audience_key(obligations))
        reports = snapshots.cached(self.session, key, lambda: self._activity_cells(obligations, windows, by))
        self._audit_aggregate(
            "activity", {**detail, "scope": obligations.scope.value}, reports[0]["person_weeks"]
        )
        return [dict(window) for window in reports]

    def _activity_cells(
        self, obligations: Obligations, windows: Sequence[tuple[dt.date, dt.date]], by: Sequence[str]
    ) -> tuple[dict[str, Report], ...]:
        totals = [self._activity_totals(start, end) for start, end in windows]
        keys = sorted({key for window in totals for key in window})
        facts = load_person_facts(self.session)
        tree = load_unit_tree(self.session)
        day = max(end for _, end in windows)
        population = [
            Member(key, dimensions(facts.get(int(key)), _unit(facts, int(key)), tree, day)) for key in keys
        ]
        audience = self._audience(obligations, {int(key): key for key in keys})
        return tuple(
            {
                measure: build_report(population, audience, obligations.k, by, {}, _summer(window, measure))
                for measure in ACTIVITY_MEASURES
            }
            for window in totals
        )

    def _activity_totals(self, start: dt.date, end: dt.date) -> dict[str, dict[str, float]]:
        rows = self.session.execute(
            select(
                ActivityWeek.person_id,
                func.sum(ActivityWeek.hours),
                func.sum(ActivityWeek.after_hours),
                func.sum(ActivityWeek.meeting_hours),
                func.sum(ActivityWeek.pto_hours),
                func.sum(func.coalesce(ActivityWeek.output, 0.0)),
                func.count(),
            )
            .where(ActivityWeek.week_start >= start, ActivityWeek.week_start < end)
            .group_by(ActivityWeek.person_id)
        ).all()
        return {str(r[0]): dict(zip(ACTIVITY_MEASURES, map(float, r[1:]), strict=True)) for r in rows}

    def departure_cells(
        self, start: dt.date, end: dt.date, cost_of: CostRule, by: Sequence[str] = ()
    ) -> dict[str, Report]:
        """People who left in [start, end) per cell of the unit they left: `departures`, their
        replacement `cost` and how many of them had no salary to price (`unpriced`). A cell needs at
        least k leavers: otherwise a unit's cost would tell what its one leaver earned."""
        detail = {"metric": "departures", "by": list(by), "from": start.isoformat(), "to": end.isoformat()}
        obligations = self._authorize_aggregate("hris", by, {}, detail)
        key = (
            "departure_cells",
            start,
            end,
            _rule_key(cost_of),
            tuple(by),
            obligations.k,
            *self._audience_key(obligations),
        )
        reports = dict(
            snapshots.cached(
                self.session, key, lambda: self._departure_cells(obligations, start, end, cost_of, by)
            )
        )
        self._audit_aggregate("hris", {**detail, "scope": obligations.scope.value}, reports["departures"])
        return reports

    def _departure_cells(
        self, obligations: Obligations, start: dt.date, end: dt.date, cost_of: CostRule, by: Sequence[str]
    ) -> dict[str, Report]:
        rows = self.session.execute(
            select(Person.id, Person.org_unit_id, Person.level, Person.salary, Person.exit_date).where(
                Person.exit_date >= start, Person.exit_date < end
            )
        ).all()
        facts = load_person_facts(self.session)
        tree = load_unit_tree(self.session)
        costs = {str(r.id): cost_of(r.level, r.salary) for r in rows}
        population = [
            Member(str(r.id), dimensions(facts.get(r.id), r.org_unit_id, tree, r.exit_date)) for r in rows
        ]
        audience = self._audience(obligations, {r.id: str(r.id) for r in rows})
        measures: dict[str, Callable[[frozenset[str]], float]] = {
            "departures": lambda members: float(len(members)),
            "cost": lambda members: sum(costs[m] or 0.0 for m in members),
            "unpriced": lambda members: float(sum(costs[m] is None for m in members)),
        }
        return {
            name: build_report(population, audience, obligations.k, by, {}, value_of)
            for name, value_of in measures.items()
        }

    def initiative_starts(self, kinds: Sequence[str], statuses: Sequence[str]) -> dict[int, dt.date]:
        """Per org unit, the first day someone acted on a recommendation of these kinds and statuses.
        A recommendation about one person (a stay interview) counts for the unit the person is in,
        which is read here so that no service joins recommendations to people; only units leave."""
        detail = {"metric": "initiative_starts", "kinds": list(kinds), "statuses": list(statuses)}
        self._authorize_aggregate("hris", ("org_unit",), {}, detail)
        rows = self.session.execute(
            select(func.coalesce(Recommendation.org_unit_id, Person.org_unit_id), Recommendation.acted_at)
            .outerjoin(Person, Person.id == Recommendation.subject_person_id)
            .where(
                Recommendation.kind.in_(list(kinds)),
                Recommendation.status.in_(list(statuses)),
                Recommendation.acted_at.is_not(None),
            )
        ).all()
        starts: dict[int, dt.date] = {}
        for unit_id, acted_at in rows:
            if unit_id is not None:
                day = acted_at.date()
                starts[unit_id] = min(starts.get(unit_id, day), day)
        self._audit_aggregate("hris", {**detail, "units": len(starts)}, Report([], self.charter.k_aggregate))
        return starts

    def unit_exposure(
        self, windows: Sequence[tuple[dt.date, dt.date]], cost_of: CostRule, as_of: dt.date
    ) -> list[UnitExposure]:
        """Per released org-unit cell (people placed in their current or last unit): person-years
        employed and departures in each window [start, end), for before/after comparisons of teams.
        Only units of at least k people employed in some window are returned."""
        detail = {"metric": "unit_exposure", "windows": [[a.isoformat(), b.isoformat()] for a, b in windows]}
        obligations = self._authorize_aggregate("hris", ("org_unit",), {}, detail)
        key = ("unit_exposure", tuple(windows), _rule_key(cost_of), as_of, obligations.k)
        exposure, report = snapshots.cached(
            self.session,
            (*key, *self._audience_key(obligations)),
            lambda: self._unit_exposure(obligations, windows, cost_of, as_of),
        )
        self._audit_aggregate("hris", {**detail, "scope": obligations.scope.value}, report)
        return list(exposure)

    def _unit_exposure(
        self,
        obligations: Obligations,
        windows: Sequence[tuple[dt.date, dt.date]],
        cost_of: CostRule,
        as_of: dt.date,
    ) -> tuple[tuple[UnitExposure, ...], Report]:
        first = min(a for a, _ in windows)
        last = max(b for _, b in windows)
        rows = self.session.execute(
            select(
                Person.id, Person.org_unit_id, Person.level, Person.salary, Person.hire_date, Person.exit_date
            )
        ).all()
        present = [r for r in rows if _employed_between(r.hire_date, r.exit_date, first, last)]
        facts = load_person_facts(self.session)
        tree = load_unit_tree(self.session)
        population = [
            Member(str(r.id), dimensions(facts.get(r.id), r.org_unit_id, tree, as_of)) for r in present
        ]
        by_key = {str(r.id): r for r in present}
        audience = self._audience(obligations, {r.id: str(r.id) for r in present})
        report = build_report(population, audience, obligations.k, ("org_unit",), {}, lambda m: float(len(m)))
        if audience.team_keys is not None:
            population = [m for m in population if m.key in audience.team_keys]
        found = []
        for cell, members in _released_members(population, report):
            people = [by_key[m] for m in members]
            years = tuple(
                sum(_years_employed(p.hire_date, p.exit_date, a, b) for p in people) for a, b in windows
            )
            exits = tuple(
                sum(p.exit_date is not None and a <= p.exit_date < b for p in people) for a, b in windows
            )
            priced = [c for c in (cost_of(p.level, p.salary) for p in people) if c is not None]
            mean_cost = sum(priced) / len(priced) if priced else None
            found.append(UnitExposure(dict(cell.group), cell.n or len(people), years, exits, mean_cost))
        return tuple(found), report


def _rule_key(cost_of: CostRule) -> object:
    """A cost model's method is remembered by the model's figures (a frozen dataclass), not by the
    object: each request loads the model afresh, and equal figures give equal costs."""
    owner = getattr(cost_of, "__self__", None)
    return (owner, cost_of.__name__) if owner is not None else cost_of


def _counter(chosen: set[int]) -> Callable[[frozenset[str]], float]:
    """How many of a cell's members are in `chosen`."""
    return lambda members: float(sum(int(m) in chosen for m in members))


def _summer(totals: Mapping[str, Mapping[str, float]], measure: str) -> Callable[[frozenset[str]], float]:
    """A measure's total over a cell's members."""
    return lambda members: sum(totals[m][measure] for m in members if m in totals)


def _unit(facts: Mapping[int, object], person_id: int) -> int | None:
    fact = facts.get(person_id)
    return getattr(fact, "org_unit_id", None)


def _active_people(reader: PersonalData, day: dt.date) -> dict[int, dict[str, object]]:
    """Dimensions of the people employed on `day`, by person id."""
    facts = load_person_facts(reader.session)
    tree = load_unit_tree(reader.session)
    rows = reader.session.execute(
        select(Person.id, Person.org_unit_id, Person.hire_date, Person.exit_date)
    ).all()
    return {
        r.id: dict(dimensions(facts.get(r.id), r.org_unit_id, tree, day))
        for r in rows
        if (r.hire_date is None or r.hire_date <= day) and (r.exit_date is None or r.exit_date > day)
    }


def _employed_between(hire: dt.date | None, exit_: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return (hire is None or hire < end) and (exit_ is None or exit_ >= start)


def _years_employed(hire: dt.date | None, exit_: dt.date | None, start: dt.date, end: dt.date) -> float:
    begin = max(start, hire) if hire is not None else start
    finish = min(end, exit_) if exit_ is not None else end
    return max((finish - begin).days, 0) / 365.25


def _released_members(population: Sequence[Member], report: Report) -> list[tuple[Cell, list[str]]]:
    """The members of each visible org-unit cell (the report keeps values, not member lists)."""
    by_unit: dict[object, list[str]] = {}
    for member in population:
        by_unit.setdefault(member.dims.get("org_unit"), []).append(member.key)
    return [(c, by_unit[c.group["org_unit"]]) for c in report.cells if not c.suppressed]
