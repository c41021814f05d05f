"""Organisation size and structure as one actor may see it.

Every figure comes from the policy gateway, which authorises the read for the actor's scope and
audits it. Headcounts per department and unit are organisation structure (the same facts as the org
chart, see `policy.aggregates.ORG_STRUCTURE`), so the gateway gives them exactly, small units
included; the unit tree itself (names, kinds, parents) is not personal data and is read directly.

What each scope gets is what the gateway gives it:
- self (employees): the organisation and each department, the same figures everyone sees;
- own subtree (managers): those, plus their reporting line counted in each unit below departments;
- organisation: every unit.

A department, or a unit made of whole departments (the root, a division), is counted from the
organisation-wide department cells; a unit below the departments is the sum of the unit cells of its
subtree, which for a manager count their reporting line only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.policy import snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import Cell, Report
from peoplealign.policy.charter import CharterDocument
from peoplealign.policy.engine import Action, authorize
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.population import build_unit_tree
from peoplealign.policy.scope import Scope
from peoplealign.store.models import OrgUnit

PURPOSE = "org_reporting"
FINEST_KIND = "team"
CHART_KIND = "department"


@dataclass(frozen=True)
class UnitRecord:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


@dataclass(frozen=True)
class Figures:
    """What the gateway released to the actor: cells keyed by their group value (unit labels).
    `departments` are organisation-wide; `units` count the actor's own scope (none for employees)."""

    total: Cell
    scope_total: Cell
    departments: Mapping[str | None, Cell]
    units: Mapping[str | None, Cell]


@dataclass
class UnitView:
    id: int
    code: str
    name: str
    kind: str
    headcount: int | None  # None: the actor's scope has no figure for this unit
    reporting_line_only: bool = False  # the figure counts the manager's reporting line, not everyone
    children: list[UnitView] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        return self.headcount is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "counted": self.counted,
            "headcount": self.headcount,
            "reporting_line_only": self.reporting_line_only,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True, eq=False)  # compared and hashed as one object: overviews are shared
class OrgOverview:
    scope: Scope
    k: int
    headcount: int  # the organisation-wide total: the same for everyone
    reporting_line: int | None  # a manager's people, counted in the tree; None for other scopes
    units_by_kind: dict[str, int]
    roots: list[UnitView]
    empty: bool  # nothing imported yet: no units and nobody employed

    def units_of_kind(self, kind: str) -> list[UnitView]:
        return [u for u in _walk(self.roots) if u.kind == kind]

    def chart_units(self) -> list[UnitView]:
        """Counted departments; a scope with at most one charts its counted teams instead."""
        counted = [u for u in _walk(self.roots) if u.counted]
        departments = [u for u in counted if u.kind == CHART_KIND]
        if len(departments) > 1:
            return departments
        teams = [u for u in counted if u.kind == FINEST_KIND]
        return teams or departments or [u for u in self.roots if u.counted]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope.value,
            "k": self.k,
            "headcount": self.headcount,
            "reporting_line": self.reporting_line,
            "units_by_kind": self.units_by_kind,
            "units": [u.to_dict() for u in self.roots],
            "empty": self.empty,
        }


def _walk(nodes: Iterable[UnitView]) -> Iterable[UnitView]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


class _Tree:
    """Parent/child links, robust to parents that are missing or cyclic."""

    def __init__(self, units: Sequence[UnitRecord]) -> None:
        self.units = {u.id: u for u in sorted(units, key=lambda u: (u.name, u.code))}
        self.children: dict[int | None, list[int]] = {}
        for unit in self.units.values():
            parent = unit.parent_id if unit.parent_id in self.units else None
            self.children.setdefault(parent, []).append(unit.id)
        self.roots = list(self.children.get(None, []))
        reachable = set(self.descendants(self.roots))
        # A parent cycle is unreachable from any root: cut it by making one of its units a root.
        for unit_id in self.units:
            if unit_id not in reachable:
                self.children[self.units[unit_id].parent_id].remove(unit_id)
                self.roots.append(unit_id)
                reachable.update(self.descendants([unit_id]))
        self.parent = {c: p for p, cs in self.children.items() if p is not None for c in cs}

    def descendants(self, start: Iterable[int]) -> Iterable[int]:
        seen: set[int] = set()
        stack = list(start)
        while stack:
            unit_id = stack.pop()
            if unit_id in seen:
                continue
            seen.add(unit_id)
            yield unit_id
            stack.extend(self.children.get(unit_id, []))

    def ancestors(self, unit_id: int) -> Iterable[int]:
        parent = self.parent.get(unit_id)
        while parent is not None:
            yield parent
            parent = self.parent.get(parent)


def _n(cell: Cell | None) -> int:
    """A missing cell is an empty group (the gateway returns only cells with people in them)."""
    return 0 if cell is None or cell.n is None else cell.n


class _Counter:
    """Each unit's figure from the released cells (see the module docstring)."""

    def __init__(self, tree: _Tree, figures: Figures) -> None:
        rows = [(u.id, u.code, u.name, u.kind, u.parent_id) for u in tree.units.values()]
        population_tree = build_unit_tree(rows)
        self.tree, self.figures = tree, figures
        self.label = population_tree.labels
        self.department_of = population_tree.department_of
        self.members_of_department: dict[int, set[int]] = {}
        for unit_id, department in self.department_of.items():
            self.members_of_department.setdefault(department, set()).add(unit_id)

    def whole_departments(self, unit_id: int) -> int | None:
        """The organisation-wide figure of a unit made of whole departments, else None."""
        subtree = set(self.tree.descendants([unit_id]))
        departments = {self.department_of[u] for u in subtree}
        if not all(self.members_of_department[d] <= subtree for d in departments):
            return None
        return sum(_n(self.figures.departments.get(self.label[d])) for d in departments)

    def in_scope(self, unit_id: int) -> int:
        """The people of the actor's scope anywhere in the unit's subtree."""
        return sum(_n(self.figures.units.get(self.label[u])) for u in self.tree.descendants([unit_id]))

    def figure(self, unit_id: int, scope: Scope) -> tuple[int | None, bool]:
        """(headcount, whether it counts a reporting line only); None where the scope has none."""
        whole = self.whole_departments(unit_id)
        if whole is not None:
            return whole, False
        if scope is Scope.SELF:
            return None, False
        own = self.in_scope(unit_id)
        if scope is Scope.OWN_SUBTREE:
            return (own, True) if own else (None, False)
        return own, False


def _shown_units(tree: _Tree, scope: Scope, counted: set[int]) -> set[int]:
    """The whole tree for the organisation scope; otherwise the units above the finest level, plus
    the counted units and their ancestors."""
    if scope is Scope.ORGANISATION:
        return set(tree.units)
    shown: set[int] = set()
    stack = list(tree.roots)
    while stack:
        unit_id = stack.pop()
        if tree.units[unit_id].kind != FINEST_KIND and unit_id not in shown:
            shown.add(unit_id)
            stack.extend(tree.children.get(unit_id, []))
    for unit_id in counted:
        shown.add(unit_id)
        shown.update(tree.ancestors(unit_id))
    return shown


def build_overview(units: Sequence[UnitRecord], figures: Figures, *, scope: Scope, k: int) -> OrgOverview:
    """The tree the scope shows, each counted unit with the figure the released cells give it."""
    tree = _Tree(units)
    counter = _Counter(tree, figures)
    figure = {unit_id: counter.figure(unit_id, scope) for unit_id in tree.units}
    counted = {unit_id for unit_id, (n, _) in figure.items() if n is not None}
    shown = _shown_units(tree, scope, counted)

    def view(unit_id: int) -> UnitView:
        unit = tree.units[unit_id]
        headcount, reporting_line_only = figure[unit_id]
        return UnitView(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            headcount=headcount,
            reporting_line_only=reporting_line_only,
            children=[view(c) for c in tree.children.get(unit_id, []) if c in shown],
        )

    total = _n(figures.total)
    return OrgOverview(
        scope=scope,
        k=k,
        headcount=total,
        reporting_line=_n(figures.scope_total) if scope is Scope.OWN_SUBTREE else None,
        units_by_kind=dict(sorted(Counter(u.kind for u in tree.units.values()).items())),
        roots=[view(r) for r in tree.roots if r in shown],
        empty=not tree.units and not total,
    )


def load_units(session: Session) -> tuple[UnitRecord, ...]:
    """The unit tree (not personal data), loaded once per data version."""

    def load() -> tuple[UnitRecord, ...]:
        return tuple(
            UnitRecord(id=r.id, code=r.code, name=r.name, kind=r.kind, parent_id=r.parent_id)
            for r in session.execute(
                select(OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.kind, OrgUnit.parent_id)
            )
        )

    return snapshots.cached(session, "org_units", load)


def _fingerprint(figures: Figures) -> Hashable:
    """Everything of the released figures that `build_overview` reads: the counts per label. Two
    reads that released the same counts get the same overview, whoever made them."""
    return (
        _n(figures.total),
        _n(figures.scope_total),
        frozenset((label, _n(cell)) for label, cell in figures.departments.items()),
        frozenset((label, _n(cell)) for label, cell in figures.units.items()),
    )


def _cells(report: Report, dimension: str) -> dict[str | None, Cell]:
    return {_label(c.group.get(dimension)): c for c in report.cells}


def _label(value: object) -> str | None:
    return None if value is None else str(value)


def read_figures(reader: PersonalData, scope: Scope, as_of: dt.date) -> Figures:
    """The gateway reads this scope may make, each one authorised and audited. A manager's own total
    and unit cells count their reporting line; the organisation's total and departments are the
    town-hall figures everyone sees."""
    own_total = reader.headcount(as_of=as_of).cells[0]
    if scope is Scope.SELF:
        return Figures(
            own_total, own_total, _cells(reader.headcount(["department"], as_of=as_of), "department"), {}
        )
    manager = scope is Scope.OWN_SUBTREE
    total = reader.headcount(as_of=as_of, town_hall=True).cells[0] if manager else own_total
    departments = _cells(reader.headcount(["department"], as_of=as_of, town_hall=manager), "department")
    units = _cells(reader.headcount(["org_unit"], as_of=as_of), "org_unit")
    return Figures(total, own_total, departments, units)


def aggregate_scope(charter: CharterDocument, actor: Actor) -> Scope:
    """The scope the gateway will apply to this actor's headcounts. A refusal reads as the narrowest
    scope here; the gateway's own read then refuses (and audits) it."""
    decision = authorize(charter, actor, Action.READ_AGGREGATE, "hris", PURPOSE)
    return decision.obligations.scope if decision.obligations is not None else Scope.SELF


def organisation_overview(
    session: Session, actor: Actor, charter: CharterDocument, today: dt.date | None = None
) -> OrgOverview:
    """The overview for one actor, every headcount read through the policy gateway."""
    scope = aggregate_scope(charter, actor)
    reader = PersonalData(session, actor, PURPOSE, charter)
    figures = read_figures(reader, scope, today or dt.date.today())
    k = charter.k_aggregate
    # The reads above are authorised and audited on every call; only shaping the tree from what they
    # released is shared, keyed by those figures (so by the actor's scope and reporting line).
    # The cached overview is shared between requests: callers only read it.
    return snapshots.cached(
        session,
        ("org_overview", scope, k, _fingerprint(figures)),
        lambda: build_overview(load_units(session), figures, scope=scope, k=k),
    )
