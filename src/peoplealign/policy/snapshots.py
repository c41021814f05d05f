"""What the gateway loads to compute aggregates, kept per process while what it read is unchanged.

A dashboard reads the same populations (everyone employed today, a survey's respondents, the
reporting lines) on every request, and at 5,000 people loading and shaping them is most of a page's
time. Each snapshot is keyed by the database and what was asked, and kept with the versions of the
tables its computation read (`policy.data_version`): a write to one of them (a check-in for the
well-being figures) makes it compute afresh, a write elsewhere leaves it; an import, a retention run
or a charter approval renews every snapshot of that database.

Snapshots are inputs to the policy layer, never outputs: every read still goes through
authorisation, the anonymity decision and the audit trail, so caching changes no answer's privacy.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.policy import data_version
from peoplealign.policy.anonymity import Member
from peoplealign.policy.data_version import Versions
from peoplealign.policy.population import UnitTree, dimensions, load_person_facts, load_unit_tree
from peoplealign.policy.scope import below, direct_reports, manager_map
from peoplealign.store.engine import database_of
from peoplealign.store.models import Person

T = TypeVar("T")

# Populations (a few per database) and the reports computed from them for each breakdown and audience
# (a manager's team is an audience of its own); each is replaced when what it read has changed.
MAX_ENTRIES = 1024


@dataclass(frozen=True)
class _Entry:
    value: Any
    tables: frozenset[str]  # what the computation's session had read when it finished
    version: Hashable  # of those tables, when the computation began


_entries: dict[tuple[str, Hashable], _Entry] = {}
_guard = threading.Lock()
_computing: dict[tuple[str, Hashable], threading.Lock] = {}


def _fresh(session: Session, entry: tuple[str, Hashable], now: Versions) -> _Entry | None:
    found = _entries.get(entry)
    if found is None or found.version != now.of(found.tables):
        return None
    data_version.note_reads(session, found.tables)  # whoever uses the answer depends on its tables
    return found


def cached(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per process until a table it read changes. Everything the session had read
    before counts as read by the computation too (it may use it), so nothing it depends on is
    missed. Concurrent requests for the same snapshot wait for the first instead of loading it
    again each."""
    database = database_of(session)
    now = data_version.versions(session)
    entry = (database, key)
    with _guard:
        if (found := _fresh(session, entry, now)) is not None:
            return cast(T, found.value)
        lock = _computing.setdefault(entry, threading.Lock())
    with lock:
        with _guard:
            if (found := _fresh(session, entry, now)) is not None:
                return cast(T, found.value)
        value = compute()
        tables = data_version.reads(session)
        with _guard:
            if entry not in _entries and len(_entries) >= MAX_ENTRIES:
                del _entries[next(iter(_entries))]
            _entries[entry] = _Entry(value, tables, now.of(tables))
            _computing.pop(entry, None)
    return value


def clear() -> None:
    """Forget every snapshot (tests that rebuild a database under the same URL)."""
    with _guard:
        _entries.clear()


@dataclass(frozen=True)
class Employed:
    """Everyone employed on a day, as members of the anonymity lattice keyed by person id."""

    population: tuple[Member, ...]  # a tuple: its anonymity fingerprint is remembered
    ids: list[int]


def employed(session: Session, day: dt.date) -> Employed:
    def load() -> Employed:
        rows = session.execute(
            select(Person.id, Person.hire_date, Person.exit_date, Person.org_unit_id)
        ).all()
        active = [
            r
            for r in rows
            if (r.hire_date is None or r.hire_date <= day) and (r.exit_date is None or r.exit_date > day)
        ]
        facts = load_person_facts(session)
        tree = load_unit_tree(session)
        population = tuple(
            Member(str(r.id), dimensions(facts.get(r.id), r.org_unit_id, tree, day)) for r in active
        )
        return Employed(population, [r.id for r in active])

    return cached(session, ("employed", day), load)


def unit_tree(session: Session) -> UnitTree:
    """Unit labels and departments (organisation structure, not personal data)."""
    return cached(session, "unit_tree", lambda: load_unit_tree(session))


def managers(session: Session) -> dict[int, int | None]:
    """Each person's manager: reporting lines for managers' subtrees."""
    return cached(session, "managers", lambda: manager_map(session))


def team(session: Session, person_id: int) -> frozenset[int]:
    """Everyone below a person in the reporting lines (`scope.subtree`), walked down the direct
    reports index kept per data version: a team costs its own size, not a pass over everyone. The
    teams themselves are not kept: the walk is cheap, and one entry per manager would crowd out the
    populations and reports."""
    reports = cached(session, "direct_reports", lambda: direct_reports(managers(session)))
    return below(reports, person_id)
