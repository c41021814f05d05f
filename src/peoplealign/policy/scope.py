"""Whose records an actor may see: row filtering by the charter's scope.

A manager's subtree follows the manager chain (everyone who reports to them, directly or through
other managers), not the org-unit tree, because reporting lines are what a manager is accountable
for; the manager is not part of their own subtree, just as their answers are not part of their
team's results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.store.models import Person


class Scope(StrEnum):
    """The charter's `audiences.<role>.scope`, widest last."""

    SELF = "self"
    OWN_SUBTREE = "own_subtree"
    ORGANISATION = "organisation"


SCOPE_ORDER = (Scope.SELF, Scope.OWN_SUBTREE, Scope.ORGANISATION)


def widest(scopes: Iterable[str]) -> Scope:
    """A person with several roles gets the widest scope any of them grants."""
    granted = {Scope(s) for s in scopes}
    return max(granted, key=SCOPE_ORDER.index) if granted else Scope.SELF


def direct_reports(managers: Mapping[int, int | None]) -> dict[int, tuple[int, ...]]:
    """Manager -> the people reporting to them directly: the index a subtree is walked down, built
    once per set of reporting lines (a pass over everyone) so each team costs only its own size."""
    reports: dict[int, list[int]] = {}
    for person, manager in managers.items():
        if manager is not None:
            reports.setdefault(manager, []).append(person)
    return {manager: tuple(people) for manager, people in reports.items()}


def below(reports: Mapping[int, Sequence[int]], root: int) -> frozenset[int]:
    """Everyone below `root` in a `direct_reports` index; safe against cycles in imported data."""
    seen: set[int] = set()
    frontier = list(reports.get(root, ()))
    while frontier:
        person = frontier.pop()
        if person in seen or person == root:
            continue
        seen.add(person)
        frontier.extend(reports.get(person, ()))
    return frozenset(seen)


def subtree(managers: Mapping[int, int | None], root: int) -> frozenset[int]:
    """Everyone below `root` in the reporting chain (for one-off questions; pages use the index
    that `snapshots.team` keeps per data version)."""
    return below(direct_reports(managers), root)


def manager_map(session: Session) -> dict[int, int | None]:
    return {row.id: row.manager_id for row in session.execute(select(Person.id, Person.manager_id))}


def visible_people(session: Session, scope: Scope, person_id: int | None) -> frozenset[int] | None:
    """The person ids an actor's scope covers; None means the whole organisation."""
    # Imported here: snapshots caches the reporting lines with this module's functions.
    from peoplealign.policy import snapshots

    if scope is Scope.ORGANISATION:
        return None
    if person_id is None:
        return frozenset()
    if scope is Scope.OWN_SUBTREE:
        return snapshots.team(session, person_id) | {person_id}
    return frozenset({person_id})
