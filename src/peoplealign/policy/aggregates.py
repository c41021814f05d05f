"""Aggregate cells for one actor: which population they query, which breakdowns they may ask for,
and the released cells with values filled in only where the anonymity decision allows.

Kept free of the database: callers pass the whole population (people with a key and dimensions) and
a function that computes a value from a set of member keys.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from peoplealign.errors import InvalidInputError
from peoplealign.policy.anonymity import DIMENSIONS, MAX_DIMS, Member, canonical_dims, release_for
from peoplealign.policy.scope import Scope

ORGANISATION = "organisation"
TEAM = "team"

ORG_STRUCTURE: tuple[str, ...] = ("department", "org_unit")
"""The organisation-structure rule: headcounts broken down by these dimensions alone, and the total,
are released exactly and never k-suppressed.

How many people each part of the org tree has is the same fact as the internal org chart every
employee can read, not an aggregate of what people said or did; the privacy default's k is for
aggregates of survey, comment and activity data. What a headcount can disclose is an attribute: a
team crossed with level or tenure band can tell one person's level. So crossed headcounts stay under
the anonymity decision, which counts every exact structure cell as already known to the attacker
(team total minus visible team-by-level cells must not isolate fewer than k people)."""

TOWN_HALL_STRUCTURE: tuple[str, ...] = ("department",)
"""The structure every actor may count, whatever their scope: the organisation and its departments.
Finer structure follows the charter's scope (a manager's reporting line, the whole tree for
organisation-scope roles): a need-to-know choice, not an anonymity one."""


@dataclass(frozen=True)
class Cell:
    group: dict[str, Hashable]
    n: int | None
    value: float | None
    suppressed: bool
    reason: str | None

    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.group.items()) or "everyone"

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "n": self.n,
            "value": self.value,
            "suppressed": self.suppressed,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Report:
    cells: list[Cell]
    k: int

    def as_dict(self) -> dict[str, Any]:
        return {"cells": [c.as_dict() for c in self.cells], "k": self.k}

    @property
    def suppressed(self) -> int:
        return sum(c.suppressed for c in self.cells)


@dataclass(frozen=True)
class Audience:
    """What an actor's scope means for aggregates.

    Everyone sees organisation-wide totals (the same figures for all: the town-hall principle). A
    manager queries their own subtree with every breakdown; the organisation total they also see
    takes part in their protection, and their own answers do not count as a leak to themselves.
    Organisation-scope roles query everyone with every breakdown."""

    scope: Scope
    person_key: str | None = None
    team_keys: frozenset[str] | None = None

    @property
    def label(self) -> str:
        return TEAM if self.scope is Scope.OWN_SUBTREE else ORGANISATION

    @property
    def dimensions(self) -> tuple[str, ...]:
        return () if self.scope is Scope.SELF else DIMENSIONS


def parse_breakdown(text: str | None) -> list[str]:
    """ "department,location" as the CLI and the web receive it."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def check_breakdown(
    audience: Audience, by: Sequence[str], filters: Mapping[str, Any], public: Sequence[str] = ()
) -> tuple[str, ...]:
    """Validate a request's dimensions; returns the ones neither the actor's scope nor `public` allows."""
    dims = [*by, *filters]
    unknown = sorted(set(dims) - set(DIMENSIONS))
    if unknown:
        raise InvalidInputError(
            f"unknown breakdown {', '.join(unknown)}; expected some of {', '.join(DIMENSIONS)}"
        )
    if len(set(dims)) != len(dims):
        raise InvalidInputError("a dimension appears twice in the breakdown and filters")
    if len(dims) > MAX_DIMS:
        raise InvalidInputError(f"at most {MAX_DIMS} dimensions at once (breakdown and filters together)")
    return tuple(d for d in canonical_dims(dims) if d not in audience.dimensions and d not in public)


def build_report(
    population: Sequence[Member],
    audience: Audience,
    k: int,
    by: Sequence[str],
    filters: Mapping[str, Any],
    value_of: Callable[[frozenset[str]], float],
    *,
    structure: bool = False,
) -> Report:
    """Cells of one request, taken from the one cached decision for the actor's whole lattice.

    `structure=True` (headcounts) applies the organisation-structure rule: `ORG_STRUCTURE` cells are
    exact, every actor may count `TOWN_HALL_STRUCTURE`, and all of those are public in the decision
    on crossed cells (for a manager, the whole organisation's structure cells too: the org chart).
    Exact cells do not depend on that decision, so a request for structure alone
    reads the structure lattice without deciding the crossed cells."""
    exact = ORG_STRUCTURE if structure else ()
    town_hall_dims = TOWN_HALL_STRUCTURE if structure else ()
    exact_request = structure and set([*by, *filters]) <= set(exact)
    dims = canonical_dims([*audience.dimensions, *town_hall_dims])
    if exact_request:
        dims = tuple(d for d in dims if d in exact)
    if audience.scope is Scope.OWN_SUBTREE:
        team = [m for m in population if audience.team_keys is not None and m.key in audience.team_keys]
        # Public to a manager: the organisation-wide figures (for headcounts, the whole org chart,
        # which every employee can read elsewhere even where this scope shows no figure for it).
        public = release_for(population, ORGANISATION, k, dimensions=exact, exact_dims=exact)
        known = frozenset({audience.person_key}) if audience.person_key else frozenset()
        release = release_for(
            team,
            TEAM,
            k,
            fixed_visible=public.visible_member_sets(),
            known=known,
            dimensions=dims,
            exact_dims=exact,
        )
    else:
        release = release_for(population, ORGANISATION, k, dimensions=dims, exact_dims=exact)
    cells = []
    for key, decision in release.cells_for(audience.label, by, filters):
        group = {d: v for d, v in key.group().items() if d in by}
        if decision.visible:
            cells.append(Cell(group, decision.n, round(value_of(decision.members), 2), False, None))
        else:
            cells.append(Cell(group, None, None, True, decision.reason))
    if not cells and not by:
        cells.append(
            Cell({}, 0, value_of(frozenset()), False, None)
            if exact_request
            else Cell({}, None, None, True, f"fewer than {k} people")
        )
    return Report(cells, k)
