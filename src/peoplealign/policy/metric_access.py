"""The door to personal data for team-level metrics: reads bound to (session, actor, purpose).

Metrics are computed per org unit (or department) and period from work patterns, collaboration
ties, employee records and skills. The metric library never sees a row: it hands each read a
function from a cell's rows to one number, and this module decides which cells exist for the
actor, which are released (k-suppression plus differencing protection over the org-structure
lattice, from `policy.anonymity`), calls the function only on released cells and audits the read.

People are placed in the unit they belonged to at the time of the data (rebuilt from internal
moves), so a team's history is that team's, not the history of whoever is in it today.

Dashboards ask the same questions request after request, and one metric over 5,000 people costs
seconds. A reader told what its cell functions compute (`computing`: the measure and its resolved
parameters) keeps each read's cells per data version, question and audience (`snapshots.cached`);
authorisation and the audit event still happen on every read, only the computation is shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError
from peoplealign.policy import audit, snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import ORGANISATION, TEAM, Audience, Cell, Report
from peoplealign.policy.anonymity import (
    REASON_SMALL,
    Member,
    Release,
    StableSizes,
    release_for,
)
from peoplealign.policy.engine import Action, Obligations
from peoplealign.policy.gateway import authorize_breakdown
from peoplealign.policy.population import UnitTree
from peoplealign.policy.scope import Scope
from peoplealign.store.models import (
    ActivityWeek,
    CollaborationEdge,
    Comment,
    CommentTheme,
    Enrollment,
    InternalMove,
    OrgUnit,
    Person,
    PersonSkill,
    ProficiencyMilestone,
    Skill,
    SkillDemand,
)

METRIC_PURPOSE = "metric_computation"
GROUPINGS: tuple[str, ...] = ("department", "org_unit")

Tables = Mapping[str, pd.DataFrame]
CellValue = Callable[[Tables], float]
T = TypeVar("T")


@dataclass(frozen=True)
class UnitCell:
    """One released or suppressed cell of a metric read, keyed by the unit's id."""

    unit_id: int | None
    unit: str | None
    n: int | None
    value: float | None
    suppressed: bool
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "org_unit_id": self.unit_id,
            "org_unit": self.unit,
            "n": self.n,
            "value": self.value,
            "suppressed": self.suppressed,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class UnitReport:
    """Cells per unit and, from the same anonymity decision, the organisation-wide (or, for a
    manager, team-wide) total when the read was by unit."""

    cells: list[UnitCell]
    k: int
    total: UnitCell | None = None

    def visible(self) -> dict[int | None, float]:
        return {c.unit_id: c.value for c in self.cells if not c.suppressed and c.value is not None}


class UnitHistory:
    """Which unit each person belonged to on a date: the destination of their last move on or
    before it, the origin of their first move after it, or today's unit when they never moved."""

    def __init__(self, current: Mapping[int, int | None], moves: pd.DataFrame) -> None:
        self.current = dict(current)
        self.moves = moves.sort_values("move_date")
        self.first_origin = self.moves.groupby("person_id")["from_org_unit_id"].first().to_dict()

    def units(self, people: pd.Series, dates: pd.Series) -> pd.Series:
        """Vectorised over rows: the unit of `people[i]` on `dates[i]`."""
        frame = pd.DataFrame(
            {
                "person_id": people.to_numpy(),
                "date": pd.to_datetime(dates).to_numpy(),
                "row": range(len(people)),
            }
        )
        moved = frame["person_id"].isin(self.first_origin)
        result = frame["person_id"].map(self.current).astype("float").to_numpy(copy=True)
        if moved.any() and not self.moves.empty:
            moves = self.moves.assign(date=pd.to_datetime(self.moves["move_date"]))[
                ["person_id", "date", "to_org_unit_id"]
            ].sort_values("date")
            rows = frame[moved].sort_values("date")
            joined = pd.merge_asof(rows, moves, on="date", by="person_id", direction="backward")
            origin = joined["person_id"].map(self.first_origin)
            chosen = joined["to_org_unit_id"].where(joined["to_org_unit_id"].notna(), origin)
            result[joined["row"].to_numpy()] = chosen.astype("float").to_numpy()
        return pd.Series(result, dtype="float")


class MetricData:
    """Reads for team-level metrics on behalf of one actor for one purpose."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        purpose: str = METRIC_PURPOSE,
        charter: Any | None = None,
        *,
        computing: Hashable | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.purpose = purpose
        # What the cell functions handed to this reader compute, as a hashable (a measure and its
        # resolved parameters): without it (a function with side effects) every read computes afresh.
        self.computing = computing
        if charter is None:
            from peoplealign.policy.charter import active_charter

            charter = active_charter(session)
        self.charter = charter
        self._history: UnitHistory | None = None

    # --- reads ----------------------------------------------------------------------------------

    def activity_weekly(
        self,
        value_of: CellValue,
        by: str = "org_unit",
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        label: str = "activity",
    ) -> dict[dt.date, UnitReport]:
        """One report per week over the people with work-pattern data that week, in their unit of
        that week. `value_of` receives {"activity": rows} for a released cell."""
        detail = {"metric": label, "by": by, "period": _period(start, end), "weekly": True}
        obligations = self._authorize("activity", by, detail)

        def compute() -> tuple[tuple[dt.date, UnitReport], ...]:
            rows = self._activity(start, end)
            usual = self._usual_sizes(rows)
            return tuple(
                (
                    _as_date(week),
                    self._report(obligations, by, part, {"activity": part}, value_of, stable_sizes=usual),
                )
                for week, part in rows.groupby("week_start", sort=True)
            )

        weeks = self._kept(obligations, ("activity_weekly", label, by, start, end), value_of, compute)
        reports = {week: _copy(report) for week, report in weeks}
        self._audit("activity", detail, obligations, reports.values())
        return reports

    def activity_period(
        self,
        value_of: CellValue,
        by: str = "org_unit",
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        label: str = "activity",
    ) -> UnitReport:
        """One report over a window: people placed in their unit at the window's last week."""
        detail = {"metric": label, "by": by, "period": _period(start, end)}

        def compute(obligations: Obligations) -> UnitReport:
            rows = self._activity(start, end)
            latest = rows.sort_values("week_start").drop_duplicates("person_id", keep="last")
            return self._report(obligations, by, latest, {"activity": rows}, value_of)

        question = ("activity_period", label, by, start, end)
        return self._unit_read("activity", detail, by, question, value_of, compute)

    def comment_themes(
        self,
        value_of: CellValue,
        theme: str,
        by: str = "org_unit",
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        label: str = "theme_sentiment",
    ) -> UnitReport:
        """Scored comments on one theme by people placed in their unit when they wrote; cells need
        k_comments writers (the charter's threshold for comments)."""
        detail = {"metric": label, "theme": theme, "by": by, "period": _period(start, end)}
        return self._unit_read(
            "comments",
            detail,
            by,
            ("comment_themes", label, theme, by, start, end),
            value_of,
            lambda obligations: self._comment_report(obligations, value_of, theme, by, start, end),
        )

    def _comment_report(
        self,
        obligations: Obligations,
        value_of: CellValue,
        theme: str,
        by: str,
        start: dt.date | None,
        end: dt.date | None,
    ) -> UnitReport:
        query = (
            select(
                Comment.person_id,
                Comment.org_unit_id,
                Comment.created_on,
                CommentTheme.sentiment,
                CommentTheme.confidence,
            )
            .join(CommentTheme, CommentTheme.comment_id == Comment.id)
            .where(CommentTheme.theme == theme, Comment.person_id.is_not(None))
        )
        if start is not None:
            query = query.where(Comment.created_on >= start)
        if end is not None:
            query = query.where(Comment.created_on <= end)
        rows = self._frame(query, ["person_id", "unit_id", "created_on", "sentiment", "confidence"])
        placed = self._history_units(rows, "created_on")
        rows["unit_id"] = rows["unit_id"].astype("float").fillna(placed)
        latest = rows.sort_values("created_on").drop_duplicates("person_id", keep="last")
        return self._report(obligations, by, latest, {"comments": rows}, value_of)

    def collaboration(
        self,
        value_of: CellValue,
        by: str = "org_unit",
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        label: str = "collaboration",
    ) -> UnitReport:
        """Interaction counts between people (never content) with each end's unit at the period.
        A cell is the people whose ties start there; `value_of` receives {"edges": every edge of the
        period, "members": the cell's rows}, so measures of a team's place in the whole network (ties
        leaving the team, brokerage) can be computed, and only the cell's number leaves."""
        detail = {"metric": label, "by": by, "period": _period(start, end)}
        return self._unit_read(
            "collaboration",
            detail,
            by,
            ("collaboration", label, by, start, end),
            value_of,
            lambda obligations: self._collaboration_report(obligations, value_of, by, start, end),
        )

    def _collaboration_report(
        self,
        obligations: Obligations,
        value_of: CellValue,
        by: str,
        start: dt.date | None,
        end: dt.date | None,
    ) -> UnitReport:
        query = select(
            CollaborationEdge.source_person_id,
            CollaborationEdge.target_person_id,
            CollaborationEdge.period_start,
            CollaborationEdge.weight,
        )
        if start is not None:
            query = query.where(CollaborationEdge.period_start >= start)
        if end is not None:
            query = query.where(CollaborationEdge.period_start <= end)
        edges = self._frame(query, ["source", "target", "period", "weight"])
        edges["source_unit"] = self._history_units(
            edges.rename(columns={"source": "person_id"}), "period"
        ).to_numpy()
        edges["target_unit"] = self._history_units(
            edges.rename(columns={"target": "person_id"}), "period"
        ).to_numpy()
        members = (
            edges.sort_values("period")
            .drop_duplicates("source", keep="last")
            .rename(columns={"source": "person_id", "source_unit": "unit_id"})[["person_id", "unit_id"]]
        )

        def cell_value(tables: Tables) -> float:
            return value_of({"edges": edges, "members": tables["members"]})

        return self._report(obligations, by, members, {"members": members}, cell_value)

    def employment(
        self,
        value_of: CellValue,
        by: str = "org_unit",
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        label: str = "employment",
    ) -> UnitReport:
        """Everyone employed at some time in the window with hire and exit facts, placed in their
        unit at the window's end or on their last day. `value_of` receives {"people": rows} with
        hire_date, exit_date, exit_reason, exit_regretted."""
        detail = {"metric": label, "by": by, "period": _period(start, end)}

        def compute(obligations: Obligations) -> UnitReport:
            people = self._people(start, end)
            return self._report(obligations, by, people, {"people": people}, value_of)

        question = ("employment", label, by, start, end)
        return self._unit_read("hris", detail, by, question, value_of, compute)

    def growth(
        self,
        value_of: CellValue,
        by: str = "org_unit",
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        label: str = "skills",
    ) -> UnitReport:
        """Skills and learning of the people employed in the window: {"people", "moves",
        "milestones", "enrollments", "skills", "demand"} restricted to the cell. Every cell receives
        all the demand rows with `share`: the cell's share of the people below the unit the demand is
        recorded for (of everyone for demand without a unit)."""
        detail = {"metric": label, "by": by, "period": _period(start, end)}
        return self._unit_read(
            "skills",
            detail,
            by,
            ("growth", label, by, start, end),
            value_of,
            lambda obligations: self._growth_report(obligations, value_of, by, start, end),
        )

    def _growth_report(
        self,
        obligations: Obligations,
        value_of: CellValue,
        by: str,
        start: dt.date | None,
        end: dt.date | None,
    ) -> UnitReport:
        people = self._people(start, end)
        ids = people["person_id"]
        moves = self._frame(
            select(InternalMove.person_id, InternalMove.move_date, InternalMove.kind),
            ["person_id", "move_date", "kind"],
        )
        milestones = self._frame(
            select(
                ProficiencyMilestone.person_id,
                ProficiencyMilestone.milestone,
                ProficiencyMilestone.reached_on,
            ),
            ["person_id", "milestone", "reached_on"],
        )
        enrollments = self._frame(
            select(
                Enrollment.person_id,
                Enrollment.enrolled_on,
                Enrollment.completed_on,
                Enrollment.hours_completed,
            ),
            ["person_id", "enrolled_on", "completed_on", "hours_completed"],
        )
        skills = self._frame(
            select(PersonSkill.person_id, Skill.code, PersonSkill.proficiency, PersonSkill.assessed_on).join(
                Skill, Skill.id == PersonSkill.skill_id
            ),
            ["person_id", "skill", "proficiency", "assessed_on"],
        )
        demand = self._frame(
            select(
                Skill.code,
                SkillDemand.org_unit_id,
                SkillDemand.period_start,
                SkillDemand.demand_fte,
                SkillDemand.strategic_weight,
            ).join(Skill, Skill.id == SkillDemand.skill_id),
            ["skill", "unit_id", "period_start", "demand_fte", "strategic_weight"],
        )
        tables = {
            "people": people,
            "moves": moves[moves["person_id"].isin(ids)],
            "milestones": milestones[milestones["person_id"].isin(ids)],
            "enrollments": enrollments[enrollments["person_id"].isin(ids)],
            "skills": skills[skills["person_id"].isin(ids)],
        }
        reach = self._subtrees()
        present = people[people["active_at_end"]]
        staff = {unit: int(present["unit_id"].isin(units).sum()) for unit, units in reach.items()}

        def cell_value(cell: Tables) -> float:
            """Demand recorded for a unit is shared among the people of its subtree by headcount."""
            mine = cell["people"]
            mine = mine[mine["active_at_end"]]
            shares = {
                unit: _ratio(
                    int(mine["unit_id"].isin(reach.get(int(unit), ())).sum()), staff.get(int(unit), 0)
                )
                for unit in demand["unit_id"].dropna().unique()
            }
            share = demand["unit_id"].map(shares).fillna(_ratio(len(mine), len(present)))
            return value_of({**cell, "demand": demand.assign(share=share)})

        return self._report(obligations, by, people, tables, cell_value)

    # --- policy ---------------------------------------------------------------------------------

    def _authorize(self, resource: str, by: str, detail: Mapping[str, Any]) -> Obligations:
        if by not in ("", *GROUPINGS):
            raise InvalidInputError(f"metrics are grouped by {' or '.join(GROUPINGS)}, not {by!r}")
        return authorize_breakdown(
            self.session, self.charter, self.actor, self.purpose, resource, [by] if by else [], {}, detail
        )

    def _unit_read(
        self,
        source: str,
        detail: dict[str, Any],
        by: str,
        question: tuple[Hashable, ...],
        value_of: CellValue,
        compute: Callable[[Obligations], UnitReport],
    ) -> UnitReport:
        """One read of a report: authorised for `source` and the breakdown, computed or kept
        (`_kept`), audited, and handed out as the reader's own copy."""
        obligations = self._authorize(source, by, detail)
        report = self._kept(obligations, question, value_of, lambda: compute(obligations))
        self._audit(source, detail, obligations, [report])
        return _copy(report)

    def _kept(
        self,
        obligations: Obligations,
        question: tuple[Hashable, ...],
        value_of: CellValue,
        compute: Callable[[], T],
    ) -> T:
        """`compute()` once per data version for the same question (read, label, breakdown, period;
        a period open at the end means up to today), cell function and audience: the scope, k and
        for a manager whose team it is. The function is named by what the reader computes and its
        code, so two functions of one measure never share cells."""
        if self.computing is None:
            return compute()
        *asked, start, end = question
        team = self.actor.person_id if obligations.scope is Scope.OWN_SUBTREE else None
        key = (
            "metric_cells",
            *asked,
            start,
            end or dt.date.today(),
            self.computing,
            value_of.__module__,
            value_of.__qualname__,
            obligations.scope.value,
            obligations.k,
            team,
        )
        return snapshots.cached(self.session, key, compute)

    def _usual_sizes(self, rows: pd.DataFrame) -> StableSizes:
        """Each cell's mean weekly count over a read (one row per person and week): when one of two
        teams must be hidden so that the department cannot be subtracted down to its head, it is
        the usually smaller team in every week, not whichever happened to be smaller that week
        (which hid a steady 13-person team in 43 of 104 weeks while its neighbour churned between
        12 and 14). Keys are those of `anonymity.lattice_cells` over GROUPINGS."""
        weeks = rows["week_start"].nunique()
        per_unit = rows.dropna(subset=["unit_id"]).groupby("unit_id").size() / max(weeks, 1)
        tree = snapshots.unit_tree(self.session)
        sizes: dict[tuple[tuple[str, ...], tuple[Hashable, ...]], float] = {}
        for unit, size in zip(per_unit.index, per_unit.to_numpy(), strict=True):
            dims = _dims(tree, int(unit))
            for combo in (("department",), ("org_unit",), ("department", "org_unit"), ()):
                key = (combo, tuple(dims[d] for d in combo))
                sizes[key] = sizes.get(key, 0.0) + float(size)
        return sizes

    def _population(self, placed: pd.DataFrame) -> list[Member]:
        tree = snapshots.unit_tree(self.session)
        return [
            Member(str(int(p)), _dims(tree, int(u)))
            for p, u in zip(placed["person_id"], placed["unit_id"], strict=True)
        ]

    def _report(
        self,
        obligations: Obligations,
        by: str,
        placed: pd.DataFrame,
        tables: Mapping[str, pd.DataFrame],
        value_of: CellValue,
        stable_sizes: StableSizes | None = None,
    ) -> UnitReport:
        """`placed` has one row per person (person_id, unit_id): the cell population."""
        placed = placed.dropna(subset=["unit_id"])
        population = self._population(placed)
        audience = self._audience(obligations, {int(p) for p in placed["person_id"]})
        rows_of = {name: _rows_by_person(frame) for name, frame in tables.items()}

        def value(members: frozenset[str]) -> float:
            cell = {}
            for name, frame in tables.items():
                found = [rows_of[name][m] for m in members if m in rows_of[name]]
                cell[name] = frame.iloc[np.concatenate(found)] if found else frame.iloc[:0]
            return value_of(cell)

        release = _release(population, audience, obligations.k, stable_sizes)

        def cells_of(breakdown: list[str]) -> list[Cell]:
            cells = []
            for key, decision in release.cells_for(audience.label, breakdown, {}):
                group = {d: v for d, v in key.group().items() if d in breakdown}
                if decision.visible:
                    cells.append(Cell(group, decision.n, round(value(decision.members), 2), False, None))
                else:
                    cells.append(Cell(group, None, None, True, decision.reason))
            return cells or [Cell({}, None, None, True, REASON_SMALL.format(k=obligations.k))]

        report = self.unit_report(Report(cells_of([by] if by else []), obligations.k), by)
        total = self.unit_report(Report(cells_of([]), obligations.k), "").cells[0] if by else None
        return replace(report, total=total)

    def unit_report(self, report: Report, by: str) -> UnitReport:
        """Cells keyed by unit id instead of label; a released cell whose measure has no value for
        its people (nobody reached a milestone, say) is shown as empty, not as zero."""
        tree = snapshots.unit_tree(self.session)
        by_label = {label: uid for uid, label in tree.labels.items()}
        cells = []
        for cell in report.cells:
            label = cell.group.get(by) if by else None
            visible = not cell.suppressed and cell.value is not None and not pd.isna(cell.value)
            cells.append(
                UnitCell(
                    by_label.get(str(label)) if label is not None else None,
                    str(label) if label is not None else None,
                    cell.n if visible else None,
                    cell.value if visible else None,
                    not visible,
                    cell.reason if cell.suppressed else (None if visible else "no data for this measure"),
                )
            )
        return UnitReport(cells, report.k)

    def _audience(self, obligations: Obligations, people: set[int]) -> Audience:
        """A manager's team is their reporting subtree; their own data does not leak to themselves."""
        me = self.actor.person_id
        key = str(me) if me is not None and me in people else None
        if obligations.scope is not Scope.OWN_SUBTREE:
            return Audience(obligations.scope, key)
        # The reporting lines are indexed once per data version: a team costs its own size, even when
        # a weekly read asks once per week.
        team = snapshots.team(self.session, me) if me is not None else frozenset()
        return Audience(Scope.OWN_SUBTREE, key, frozenset(str(p) for p in team if p in people))

    def _audit(
        self, resource: str, detail: Mapping[str, Any], obligations: Obligations, reports: Any
    ) -> None:
        cells = [c for r in reports for c in r.cells]
        audit.record(
            self.session,
            self.actor,
            Action.READ_AGGREGATE.value,
            resource,
            purpose=self.purpose,
            detail={
                **detail,
                "scope": obligations.scope.value,
                "k": obligations.k,
                "cells": len(cells),
                "suppressed": sum(c.suppressed for c in cells),
            },
        )

    # --- loading --------------------------------------------------------------------------------

    def _unit_history(self) -> UnitHistory:
        if self._history is None:
            current = {
                r.id: r.org_unit_id for r in self.session.execute(select(Person.id, Person.org_unit_id))
            }
            moves = self._frame(
                select(
                    InternalMove.person_id,
                    InternalMove.move_date,
                    InternalMove.from_org_unit_id,
                    InternalMove.to_org_unit_id,
                ),
                ["person_id", "move_date", "from_org_unit_id", "to_org_unit_id"],
            )
            self._history = UnitHistory(current, moves)
        return self._history

    def _history_units(self, rows: pd.DataFrame, date_column: str) -> pd.Series:
        if rows.empty:
            return pd.Series([], dtype="float")
        return self._unit_history().units(rows["person_id"], rows[date_column])

    def _subtrees(self) -> dict[int, frozenset[int]]:
        """Each unit with every unit below it (org structure, not personal data)."""
        parents = {r.id: r.parent_id for r in self.session.execute(select(OrgUnit.id, OrgUnit.parent_id))}
        below: dict[int, set[int]] = {unit: {unit} for unit in parents}
        for unit in parents:
            seen, parent = {unit}, parents[unit]
            while parent is not None and parent in below and parent not in seen:
                below[parent].add(unit)
                seen.add(parent)
                parent = parents[parent]
        return {unit: frozenset(units) for unit, units in below.items()}

    def _frame(self, query: Any, columns: list[str]) -> pd.DataFrame:
        """Rows as plain tuples: pandas probes each SQLAlchemy row as a mapping first, which on tens of
        thousands of weeks of work patterns took longer than the query."""
        return pd.DataFrame([tuple(row) for row in self.session.execute(query)], columns=columns)

    def _activity(self, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
        query = select(
            ActivityWeek.person_id,
            ActivityWeek.week_start,
            ActivityWeek.hours,
            ActivityWeek.after_hours,
            ActivityWeek.meeting_hours,
            ActivityWeek.pto_hours,
            ActivityWeek.output,
        )
        if start is not None:
            query = query.where(ActivityWeek.week_start >= start)
        if end is not None:
            query = query.where(ActivityWeek.week_start <= end)
        rows = self._frame(
            query, ["person_id", "week_start", "hours", "after_hours", "meeting_hours", "pto_hours", "output"]
        )
        rows["unit_id"] = self._history_units(rows, "week_start").to_numpy()
        return rows

    def _people(self, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
        """People employed at some time in [start, end], with their unit at the end (or their exit)."""
        people = self._frame(
            select(Person.id, Person.hire_date, Person.exit_date, Person.exit_reason, Person.exit_regretted),
            ["person_id", "hire_date", "exit_date", "exit_reason", "exit_regretted"],
        )
        for column in ("hire_date", "exit_date"):
            people[column] = pd.to_datetime(people[column])
        last_day = pd.Timestamp(end or dt.date.today())
        hired = people["hire_date"].isna() | (people["hire_date"] <= last_day)
        first_day = pd.Timestamp(start) if start is not None else pd.Timestamp.min
        stayed = people["exit_date"].isna() | (people["exit_date"] >= first_day)
        people = people[hired & stayed].copy()
        people["active_at_end"] = people["exit_date"].isna() | (people["exit_date"] > last_day)
        people["placed_on"] = people["exit_date"].where(~people["active_at_end"], last_day)
        people["unit_id"] = self._history_units(people, "placed_on").to_numpy()
        return people.reset_index(drop=True)


def _copy(report: UnitReport) -> UnitReport:
    """A reader's own copy of a kept report: the cached one stays as it was computed."""
    return replace(report, cells=list(report.cells))


def _rows_by_person(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Row positions of each person's rows, so a cell's rows are gathered instead of filtered."""
    if frame.empty:
        return {}
    people = frame["person_id"].astype("int64").to_numpy()
    order = np.argsort(people, kind="stable")  # one sort and split: a pandas group per person costs 20x
    starts = np.flatnonzero(np.diff(people[order])) + 1
    firsts = people[order][np.concatenate(([0], starts))]
    return {str(key): rows for key, rows in zip(firsts, np.split(order, starts), strict=True)}


def _release(
    population: list[Member], audience: Audience, k: int, stable_sizes: StableSizes | None = None
) -> Release:
    """The anonymity decision over the org-structure lattice only (the organisation, departments,
    units): the breakdowns a metric offers. For a manager, the organisation-wide figure is public and
    takes part in protecting their team's cells, as in `aggregates.build_report`."""
    if audience.scope is not Scope.OWN_SUBTREE:
        return release_for(population, ORGANISATION, k, dimensions=GROUPINGS, stable_sizes=stable_sizes)
    team = [m for m in population if audience.team_keys is not None and m.key in audience.team_keys]
    public = release_for(population, ORGANISATION, k, dimensions=())
    known = frozenset({audience.person_key}) if audience.person_key else frozenset()
    return release_for(
        team,
        TEAM,
        k,
        fixed_visible=public.visible_member_sets(),
        known=known,
        dimensions=GROUPINGS,
        stable_sizes=stable_sizes,
    )


def _ratio(num: float, den: float) -> float:
    return 0.0 if den == 0 else num / den


def _dims(tree: UnitTree, unit_id: int) -> dict[str, Hashable]:
    """Cells of a metric are org structure only: other breakdowns are not metric dimensions."""
    return {"department": tree.department_label(unit_id), "org_unit": tree.unit_label(unit_id)}


def _period(start: dt.date | None, end: dt.date | None) -> list[str | None]:
    return [start.isoformat() if start else None, end.isoformat() if end else None]


def _as_date(value: Any) -> dt.date:
    return (
        value
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        else pd.Timestamp(value).date()
    )
