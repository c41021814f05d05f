"""What the gateway loads to compute aggregates, kept per process for the current data version.

A dashboard reads the same populations (everyone employed today, a survey's respondents, the
reporting lines) on every request, and at 5,000 people loading and shaping them is most of a page's
time. Each snapshot is keyed by the database, its `data_version` and what was asked; a new version
(an import, a retention run, a charter approval) drops the old snapshots of that database.

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

from peoplealign.policy.anonymity import Member
from peoplealign.policy.data_version import data_version
from peoplealign.policy.population import UnitTree, dimensions, load_person_facts, load_unit_tree
from peoplealign.policy.scope import below, direct_reports, manager_map
from peoplealign.store.models import Person

T = TypeVar("T")

# Populations (a few per database) and the reports computed from them for each breakdown and audience
# (a manager's team is an audience of its own); a new data version clears them.
MAX_ENTRIES = 1024

_entries: dict[tuple[str, Hashable], Any] = {}
_versions: dict[str, str] = {}
_guard = threading.Lock()
_computing: dict[tuple[str, str, Hashable], threading.Lock] = {}


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def cached(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per process for this database's data version. Concurrent requests for the
    same snapshot wait for the first instead of loading it again each."""
    database = _database(session)
    version = data_version(session)
    entry = (database, (version, key))
    with _guard:
        if _versions.get(database) != version:
            _versions[database] = version
            for stale in [e for e in _entries if e[0] == database]:
                del _entries[stale]
        if entry in _entries:
            return cast(T, _entries[entry])
        lock = _computing.setdefault((database, version, key), threading.Lock())
    with lock:
        with _guard:
            if entry in _entries:
                return cast(T, _entries[entry])
        value = compute()
        with _guard:
            if _versions.get(database) == version:
                if len(_entries) >= MAX_ENTRIES:
                    del _entries[next(iter(_entries))]
                _entries[entry] = value
            _computing.pop((database, version, key), None)
    return value


def clear() -> None:
    """Forget every snapshot (tests that rebuild a database under the same URL)."""
    with _guard:
        _entries.clear()
        _versions.clear()


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
