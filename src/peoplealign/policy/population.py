"""The breakdown dimensions of people: department, org unit, location, level and tenure band.

Computed in one place so every aggregate (survey cells, headcounts) puts a person in the same cells,
which is what makes one anonymity decision per population possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.store.models import OrgUnit, Person

DEPARTMENT_KIND = "department"
TENURE_BANDS: tuple[tuple[float, str], ...] = (
    (1, "<1y"),
    (2, "1-2y"),
    (5, "2-5y"),
    (10, "5-10y"),
    (float("inf"), "10y+"),
)


def tenure_band(hire_date: dt.date | None, as_of: dt.date) -> str | None:
    if hire_date is None:
        return None
    years = (as_of - hire_date).days / 365.25
    return next(label for limit, label in TENURE_BANDS if years < limit)


@dataclass(frozen=True)
class UnitTree:
    """Unit labels and each unit's department, resolved once per request."""

    labels: dict[int, str]
    department_of: dict[int, int]

    def department_label(self, unit_id: int | None) -> str | None:
        if unit_id is None:
            return None
        return self.labels.get(self.department_of.get(unit_id, unit_id))

    def unit_label(self, unit_id: int | None) -> str | None:
        return None if unit_id is None else self.labels.get(unit_id)


def build_unit_tree(units: list[tuple[int, str, str, str, int | None]]) -> UnitTree:
    """From (id, code, name, kind, parent_id) rows. A unit's department is its nearest ancestor (or
    itself) of kind "department"; without one, the ancestor just below the root. Names label the
    cells; a name used by several units is suffixed with the unit's code so cells never merge."""
    by_id = {u[0]: u for u in units}
    name_count: dict[str, int] = {}
    for _, _, name, _, _ in units:
        name_count[name] = name_count.get(name, 0) + 1
    labels = {uid: name if name_count[name] == 1 else f"{name} ({code})" for uid, code, name, _, _ in units}
    department_of: dict[int, int] = {}
    for uid in by_id:
        chain = [uid]
        while (parent := by_id[chain[-1]][4]) is not None and parent in by_id and parent not in chain:
            chain.append(parent)
        departments = [u for u in chain if by_id[u][3] == DEPARTMENT_KIND]
        department_of[uid] = departments[0] if departments else chain[max(len(chain) - 2, 0)]
    return UnitTree(labels, department_of)


def load_unit_tree(session: Session) -> UnitTree:
    rows = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.kind, OrgUnit.parent_id))
    return build_unit_tree([(r.id, r.code, r.name, r.kind, r.parent_id) for r in rows])


@dataclass(frozen=True)
class PersonFacts:
    id: int
    org_unit_id: int | None
    location: str | None
    level: int | None
    hire_date: dt.date | None


def load_person_facts(session: Session) -> dict[int, PersonFacts]:
    rows = session.execute(
        select(Person.id, Person.org_unit_id, Person.location, Person.level, Person.hire_date)
    )
    return {r.id: PersonFacts(r.id, r.org_unit_id, r.location, r.level, r.hire_date) for r in rows}


def dimensions(
    facts: PersonFacts | None, unit_id: int | None, tree: UnitTree, as_of: dt.date
) -> dict[str, Hashable]:
    """A person's cell coordinates; `unit_id` may be a snapshot (e.g. the unit at survey time)."""
    return {
        "department": tree.department_label(unit_id),
        "org_unit": tree.unit_label(unit_id),
        "location": facts.location if facts else None,
        "level": facts.level if facts else None,
        "tenure_band": tenure_band(facts.hire_date, as_of) if facts else None,
    }
