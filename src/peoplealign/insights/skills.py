"""Skill gaps: supply of skills against demand, per org unit, ranked by size times strategic weight.

Two kinds of demand, both in people (FTE), so their gaps can be ranked on one scale:
- strategic demand (`skill_demand`): how many people the plan needs at working proficiency in a unit
  over time. Supply is everyone in that unit (the whole organisation for the root, a department's
  people for a department) holding the skill at working proficiency or above. The demand's trend per
  quarter says whether the gap is growing.
- role requirements (`role_requirement`): the people of a team whose role requires the skill at a
  level they have not reached yet. Counted per team, where development happens, never summed up the
  tree (that would count the same people again at every level).
Every count comes from `WorkforceData.skill_cells`: cells of fewer than k people are suppressed and
say why. The top gaps become development recommendations naming the learning programs that teach
the skill, for an HR business partner to consider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from peoplealign.insights.recommendations import Proposal, propose
from peoplealign.policy.aggregates import Cell
from peoplealign.policy.population import UnitTree, load_unit_tree
from peoplealign.policy.scope import Scope
from peoplealign.policy.workforce_access import SkillCells, WorkforceData
from peoplealign.store.models import LearningProgram, LearningProgramSkill, OrgUnit, Skill, SkillDemand

MODEL_VERSION = "skill-gaps/1"
WORKING_LEVEL = 3  # proficiency 1..5: 3 is "works independently", what demand in FTE means
TOP_GAPS = 5
DAYS_PER_QUARTER = 365.25 / 4
PLANNING_PURPOSE = "workforce_planning"
NO_SUPPLY_CELL = "fewer than {k} people hold or need the skill in this unit"
DEVELOPMENT_PURPOSE = "development"


@dataclass(frozen=True)
class Program:
    code: str
    name: str
    hours: float | None


@dataclass(frozen=True)
class SkillGap:
    skill: str
    skill_name: str
    unit: str
    unit_id: int | None
    source: str  # strategic demand | role requirements
    demand: float | None
    supply: float | None
    gap: float | None
    weight: float
    score: float | None
    trend_per_quarter: float | None = None
    demand_history: list[tuple[str, float]] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    suppressed: bool = False
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def explanation(self) -> str:
        if self.source == "strategic demand":
            opening = (
                f"{self.skill_name} in {self.unit}: the latest plan needs {self.demand:g} people at working "
                f"proficiency, {self.supply:g} are; {self.gap:g} short."
            )
        else:
            opening = (
                f"{self.skill_name} in {self.unit}: {self.demand:g} people's roles require it, "
                f"{self.supply:g} of them at the level their role asks for; {self.gap:g} short."
            )
        parts = [opening]
        if self.trend_per_quarter:
            direction = "grew" if self.trend_per_quarter > 0 else "fell"
            parts.append(
                f"Demand {direction} by {abs(self.trend_per_quarter):.1f} people per quarter over "
                f"{len(self.demand_history)} plans."
            )
        parts.append(f"Strategic weight {self.weight:g}, so the gap scores {self.score:.1f}.")
        if self.programs:
            names = "; ".join(
                f"{p.name} ({p.code}{f', {p.hours:g} h' if p.hours else ''})" for p in self.programs
            )
            parts.append(f"Learning programs that cover it: {names}.")
        else:
            parts.append("No learning program in the catalogue covers it yet: one may need to be sourced.")
        return " ".join(parts)


@dataclass(frozen=True)
class SkillGapReport:
    as_of: dt.date
    k: int
    working_level: int
    gaps: list[SkillGap]  # visible gaps, largest score first, then suppressed cells
    model_version: str = MODEL_VERSION

    @property
    def ranked(self) -> list[SkillGap]:
        return [g for g in self.gaps if not g.suppressed and (g.gap or 0) > 0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "k": self.k,
            "working_level": self.working_level,
            "model_version": self.model_version,
            "gaps": [g.as_dict() for g in self.gaps],
        }


def skill_gaps(reader: WorkforceData, as_of: dt.date | None = None) -> SkillGapReport:
    """Every gap the reader may see, largest first; suppressed cells listed after, with the reason."""
    day = as_of or dt.date.today()
    session = reader.session
    tree = load_unit_tree(session)
    programs = _programs(reader)
    weights = _latest_weights(reader, day)
    organisation = Scope(reader.charter.scope_for(reader.actor.roles)) is Scope.ORGANISATION
    teams = reader.skill_cells(("org_unit",), WORKING_LEVEL, day)
    gaps: list[SkillGap] = []
    if organisation:
        levels = {
            "total": _by_code(reader.skill_cells((), WORKING_LEVEL, day)),
            "department": _by_code(reader.skill_cells(("department",), WORKING_LEVEL, day)),
            "org_unit": _by_code(teams),
        }
        gaps += _strategic_gaps(reader, tree, day, levels, programs)
    gaps += _role_gaps(teams, tree, weights, programs)
    visible = sorted(
        (g for g in gaps if not g.suppressed), key=lambda g: (-(g.score or 0.0), g.skill, g.unit)
    )
    hidden = sorted((g for g in gaps if g.suppressed), key=lambda g: (g.skill, g.unit))
    return SkillGapReport(day, reader.charter.k_aggregate, WORKING_LEVEL, visible + hidden)


def recommend_development(reader: WorkforceData, report: SkillGapReport, top: int = TOP_GAPS) -> list[int]:
    """The top gaps as development recommendations for HR business partners (idempotent per gap)."""
    proposals = [
        Proposal(
            kind="development",
            key=f"skill-gap:{gap.skill}:{gap.unit_id}:{gap.source}",
            title=f"Development initiative: {gap.skill_name} in {gap.unit}",
            explanation=gap.explanation(),
            evidence={**gap.as_dict(), "as_of": report.as_of.isoformat(), "k": report.k},
            model_version=report.model_version,
            org_unit_id=gap.unit_id,
        )
        for gap in report.ranked[:top]
    ]
    return [row.id for row in propose(reader.session, reader.actor, proposals)]


def _by_code(cells: list[SkillCells]) -> dict[str, SkillCells]:
    return {c.skill: c for c in cells}


def _programs(reader: WorkforceData) -> dict[str, list[Program]]:
    """The learning programs that teach each skill, by skill code."""
    rows = reader.session.execute(
        select(Skill.code.label("skill"), LearningProgram.code, LearningProgram.name, LearningProgram.hours)
        .join(LearningProgramSkill, LearningProgramSkill.program_id == LearningProgram.id)
        .join(Skill, Skill.id == LearningProgramSkill.skill_id)
        .order_by(LearningProgram.code)
    ).all()
    found: dict[str, list[Program]] = {}
    for row in rows:
        found.setdefault(row.skill, []).append(Program(row.code, row.name, row.hours))
    return found


def _latest_weights(reader: WorkforceData, day: dt.date) -> dict[str, float]:
    """Each skill's strategic weight in its latest plan (1 for skills no plan names)."""
    rows = reader.session.execute(
        select(Skill.code, SkillDemand.period_start, SkillDemand.strategic_weight)
        .join(Skill, Skill.id == SkillDemand.skill_id)
        .where(SkillDemand.period_start <= day)
        .order_by(SkillDemand.period_start)
    ).all()
    return {row.code: row.strategic_weight for row in rows}


def _strategic_gaps(
    reader: WorkforceData,
    tree: UnitTree,
    day: dt.date,
    levels: Mapping[str, dict[str, SkillCells]],
    programs: dict[str, list[Program]],
) -> list[SkillGap]:
    rows = reader.session.execute(
        select(
            Skill.id,
            Skill.code,
            Skill.name,
            SkillDemand.org_unit_id,
            SkillDemand.period_start,
            SkillDemand.demand_fte,
            SkillDemand.strategic_weight,
        )
        .join(Skill, Skill.id == SkillDemand.skill_id)
        .where(SkillDemand.period_start <= day)
        .order_by(SkillDemand.period_start)
    ).all()
    plans: dict[tuple[int, int | None], list[Any]] = {}
    for row in rows:
        plans.setdefault((row.id, row.org_unit_id), []).append(row)
    roots = set(reader.session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None))))
    gaps = []
    for (_, unit_id), history in plans.items():
        latest = history[-1]
        unit_label = tree.unit_label(unit_id) or "the organisation"
        cell = _supply_cell(
            unit_id,
            roots,
            tree,
            {k: v.get(latest.code) for k, v in levels.items()},
            reader.charter.k_aggregate,
        )
        points = [
            ((r.period_start - history[0].period_start).days / DAYS_PER_QUARTER, r.demand_fte)
            for r in history
        ]
        common: dict[str, Any] = {
            "skill": latest.code,
            "skill_name": latest.name,
            "unit": unit_label,
            "unit_id": unit_id,
            "source": "strategic demand",
            "weight": latest.strategic_weight,
            "trend_per_quarter": _slope(points),
            "demand_history": [(r.period_start.isoformat(), r.demand_fte) for r in history],
            "programs": programs.get(latest.code, []),
        }
        if cell.suppressed or cell.value is None:
            reason = cell.reason
            gaps.append(
                SkillGap(
                    **common,
                    demand=latest.demand_fte,
                    supply=None,
                    gap=None,
                    score=None,
                    suppressed=True,
                    reason=reason,
                )
            )
            continue
        gap = round(max(latest.demand_fte - cell.value, 0.0), 1)
        gaps.append(
            SkillGap(
                **common,
                demand=latest.demand_fte,
                supply=cell.value,
                gap=gap,
                score=round(gap * latest.strategic_weight, 2),
            )
        )
    return gaps


def _supply_cell(
    unit_id: int | None, roots: set[int], tree: UnitTree, cells: Mapping[str, SkillCells | None], k: int
) -> Cell:
    """The supply cell for a plan's unit: the total for the root (or no unit), a department's cell for
    a department, the unit's own cell (the people placed in it) otherwise. Nobody holding or needing
    the skill in the whole organisation is a finding (supply 0); in a unit it is a group under k."""
    if unit_id is None or unit_id in roots:
        found = cells.get("total")
        totals = found.reports["supply"].cells if found else []
        return totals[0] if totals else Cell({}, 0, 0.0, False, None)
    dim = "department" if tree.department_of.get(unit_id) == unit_id else "org_unit"
    label = tree.unit_label(unit_id)
    found = cells.get(dim)
    for cell in found.reports["supply"].cells if found else []:
        if cell.group.get(dim) == label:
            return cell
    return Cell({dim: label}, None, None, True, NO_SUPPLY_CELL.format(k=k))


def _role_gaps(
    teams: list[SkillCells],
    tree: UnitTree,
    weights: dict[str, float],
    programs: dict[str, list[Program]],
) -> list[SkillGap]:
    ids = {label: uid for uid, label in tree.labels.items()}
    gaps = []
    for skill in teams:
        required = skill.reports["required"].cells
        unmet = skill.reports["unmet"].cells
        for need, short in zip(required, unmet, strict=True):
            label = str(need.group.get("org_unit"))
            unit_id = ids.get(label)
            weight = weights.get(skill.skill, 1.0)
            common: dict[str, Any] = {
                "skill": skill.skill,
                "skill_name": skill.name,
                "unit": label,
                "unit_id": unit_id,
                "source": "role requirements",
                "weight": weight,
                "programs": programs.get(skill.skill, []),
            }
            if need.suppressed or short.suppressed or need.value is None or short.value is None:
                gaps.append(
                    SkillGap(
                        **common,
                        demand=None,
                        supply=None,
                        gap=None,
                        score=None,
                        suppressed=True,
                        reason=need.reason or short.reason,
                    )
                )
                continue
            if not need.value:
                continue
            gaps.append(
                SkillGap(
                    **common,
                    demand=need.value,
                    supply=need.value - short.value,
                    gap=short.value,
                    score=round(short.value * weight, 2),
                )
            )
    return gaps


def _slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares change per quarter; None with fewer than two plans."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return round(sum((x - mean_x) * (y - mean_y) for x, y in points) / spread, 2)
