"""Organisation size and structure as one actor may see it.

A headcount of a small unit identifies people ("the two people in Legal"), so a unit below the
charter's k shows as "fewer than k people". Showing a parent's total next to its children's would
let anyone subtract their way to the hidden ones, so a shown total never leaves a remainder between
1 and k-1: more children are withheld until it does (complementary suppression).

The computation is plain Python over a snapshot so it is testable without a web server and can
later sit behind the policy engine unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from peoplealign.policy.actor import Actor
from peoplealign.store.models import OrgUnit, Person

FINEST_KIND = "team"


class OrgScope(IntEnum):
    """How much of the tree an actor sees; a larger value sees more."""

    DEPARTMENTS = 1  # organisation- and department-level figures
    OWN_SUBTREE = 2  # plus the manager's own part of the tree, down to teams
    ORGANISATION = 3  # the whole tree


# The charter's `audiences.<role>.scope` names, mapped onto what the org overview shows.
SCOPE_BY_CHARTER_NAME = {
    "self": OrgScope.DEPARTMENTS,
    "own_subtree": OrgScope.OWN_SUBTREE,
    "organisation": OrgScope.ORGANISATION,
}


class Withheld(StrEnum):
    SMALL = "small"  # the unit itself has fewer than k people
    PROTECTS_SMALL = "protects_small"  # shown, it would let a smaller group be computed


@dataclass(frozen=True)
class UnitRecord:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


@dataclass(frozen=True)
class PersonRecord:
    id: int
    manager_id: int | None
    org_unit_id: int | None


@dataclass(frozen=True)
class OrgSnapshot:
    """Everything the overview needs: the unit tree and who is active where."""

    units: tuple[UnitRecord, ...]
    people: tuple[PersonRecord, ...]


@dataclass
class UnitView:
    id: int
    code: str
    name: str
    kind: str
    headcount: int | None
    withheld: Withheld | None = None
    children: list[UnitView] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "headcount": self.headcount,
            "withheld": None if self.withheld is None else self.withheld.value,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True)
class OrgOverview:
    scope: OrgScope
    k: int
    headcount: int | None
    withheld: Withheld | None
    units_by_kind: dict[str, int]
    roots: list[UnitView]
    empty: bool  # nothing imported yet: no units and nobody employed

    def units_of_kind(self, kind: str) -> list[UnitView]:
        return [u for u in _walk(self.roots) if u.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope.name.lower(),
            "k": self.k,
            "headcount": self.headcount,
            "withheld": None if self.withheld is None else self.withheld.value,
            "units_by_kind": self.units_by_kind,
            "units": [u.to_dict() for u in self.roots],
            "empty": self.empty,
        }


def _walk(nodes: Iterable[UnitView]) -> Iterable[UnitView]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


class _Tree:
    """Parent/child links and rolled-up headcounts, robust to parents that are missing or cyclic."""

    def __init__(self, snapshot: OrgSnapshot) -> None:
        self.units = {u.id: u for u in sorted(snapshot.units, key=lambda u: (u.name, u.code))}
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
        direct = Counter(p.org_unit_id for p in snapshot.people)
        self.total = len(snapshot.people)
        self.headcount: dict[int, int] = {}
        for root in self.roots:
            self._roll_up(root, direct)

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

    def _roll_up(self, unit_id: int, direct: Counter[int | None]) -> int:
        total = direct.get(unit_id, 0)
        for child in self.children.get(unit_id, []):
            total += self._roll_up(child, direct)
        self.headcount[unit_id] = total
        return total

    def ancestors(self, unit_id: int) -> Iterable[int]:
        parent = self.parent.get(unit_id)
        while parent is not None:
            yield parent
            parent = self.parent.get(parent)


def own_subtree_units(snapshot: OrgSnapshot, person_id: int | None) -> set[int]:
    """The manager's own unit and everything below it, plus every unit where one of their
    (direct or indirect) reports works."""
    if person_id is None:
        return set()
    tree = _Tree(snapshot)
    reports: dict[int | None, list[PersonRecord]] = {}
    for person in snapshot.people:
        reports.setdefault(person.manager_id, []).append(person)
    units: set[int] = set()
    own = next((p for p in snapshot.people if p.id == person_id), None)
    if own is not None and own.org_unit_id in tree.units:
        units.update(tree.descendants([own.org_unit_id]))
    seen = {person_id}
    stack = list(reports.get(person_id, []))
    while stack:
        person = stack.pop()
        if person.id in seen:
            continue
        seen.add(person.id)
        if person.org_unit_id in tree.units:
            units.add(person.org_unit_id)
        stack.extend(reports.get(person.id, []))
    return units


def build_overview(
    snapshot: OrgSnapshot, *, scope: OrgScope, k: int, own_units: set[int] | None = None
) -> OrgOverview:
    """The tree the scope allows, with small and complementary cells withheld."""
    tree = _Tree(snapshot)
    visible = _visible_units(tree, scope, own_units or set())
    roots = [_view(tree, unit_id, visible) for unit_id in tree.roots if unit_id in visible]
    total: int | None = tree.total
    total_withheld = None
    if tree.total < k:
        total, total_withheld = None, Withheld.SMALL
        for node in roots:
            _withhold_subtree(node, Withheld.SMALL)
    _suppress_children(total, roots, k)
    return OrgOverview(
        scope=scope,
        k=k,
        headcount=total,
        withheld=total_withheld,
        units_by_kind=dict(sorted(Counter(u.kind for u in tree.units.values()).items())),
        roots=roots,
        empty=not tree.units and tree.total == 0,
    )


def _visible_units(tree: _Tree, scope: OrgScope, own_units: set[int]) -> set[int]:
    if scope is OrgScope.ORGANISATION:
        return set(tree.units)
    visible: set[int] = set()
    stack = list(tree.roots)
    while stack:
        unit_id = stack.pop()
        if tree.units[unit_id].kind != FINEST_KIND and unit_id not in visible:
            visible.add(unit_id)
            stack.extend(tree.children.get(unit_id, []))
    if scope is OrgScope.OWN_SUBTREE:
        for unit_id in own_units & set(tree.units):
            visible.add(unit_id)
            visible.update(tree.ancestors(unit_id))
    return visible


def _view(tree: _Tree, unit_id: int, visible: set[int]) -> UnitView:
    unit = tree.units[unit_id]
    return UnitView(
        id=unit.id,
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        headcount=tree.headcount.get(unit_id, 0),
        children=[_view(tree, c, visible) for c in tree.children.get(unit_id, []) if c in visible],
    )


def _withhold_subtree(node: UnitView, reason: Withheld) -> None:
    node.headcount, node.withheld = None, reason
    for child in node.children:
        _withhold_subtree(child, reason)


def _suppress_children(parent_total: int | None, children: list[UnitView], k: int) -> None:
    """Withhold small children, then enough of the smallest others that the parent's remainder
    (people in no shown child) is 0 or at least k; then do the same one level down."""
    for child in children:
        if child.headcount is not None and child.headcount < k:
            _withhold_subtree(child, Withheld.SMALL)
    if parent_total is not None:
        shown = sorted((c for c in children if c.headcount is not None), key=lambda c: c.headcount or 0)
        remainder = parent_total - sum(c.headcount or 0 for c in shown)
        while 0 < remainder < k and shown:
            child = shown.pop(0)
            remainder += child.headcount or 0
            _withhold_subtree(child, Withheld.PROTECTS_SMALL)
    for child in children:
        if child.headcount is not None:
            _suppress_children(child.headcount, child.children, k)


def load_snapshot(session: Session, today: dt.date | None = None) -> OrgSnapshot:
    """Every unit, and the people employed on `today` (hired by then, not yet left)."""
    today = today or dt.date.today()
    units = tuple(
        UnitRecord(id=r.id, code=r.code, name=r.name, kind=r.kind, parent_id=r.parent_id)
        for r in session.execute(
            select(OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.kind, OrgUnit.parent_id)
        )
    )
    people = tuple(
        PersonRecord(id=r.id, manager_id=r.manager_id, org_unit_id=r.org_unit_id)
        for r in session.execute(
            select(Person.id, Person.manager_id, Person.org_unit_id).where(
                or_(Person.exit_date.is_(None), Person.exit_date > today),
                or_(Person.hire_date.is_(None), Person.hire_date <= today),
            )
        )
    )
    return OrgSnapshot(units=units, people=people)


def organisation_overview(
    session: Session, actor: Actor, *, scope: OrgScope, k: int, today: dt.date | None = None
) -> OrgOverview:
    snapshot = load_snapshot(session, today)
    own = own_subtree_units(snapshot, actor.person_id) if scope is OrgScope.OWN_SUBTREE else set()
    return build_overview(snapshot, scope=scope, k=k, own_units=own)
