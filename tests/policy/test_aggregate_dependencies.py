"""A cached aggregate is kept while the tables its computation read are unchanged: a check-in leaves
the headcounts in place, while whatever read check-ins, or the people, sees each write at once,
whether it adds, changes or deletes rows, by the unit of work or in bulk. What the session read
before the computation counts as read by it (the computation may use it), and so do the tables
behind a cached answer it was handed; raw SQL counts the tables it names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from peoplealign.policy import data_version, snapshots
from peoplealign.store.engine import session_scope
from peoplealign.store.models import CheckIn, OrgUnit, Person


@pytest.fixture
def url(db_url: str) -> Iterator[str]:
    snapshots.clear()
    with session_scope(db_url) as s:
        unit = OrgUnit(code="CO", name="Acme", kind="company")
        s.add(unit)
        s.flush()
        s.add_all(Person(hris_id=f"E{i}", name=f"P{i}", org_unit_id=unit.id) for i in range(3))
    yield db_url
    snapshots.clear()


class Counting:
    """A cached computation that counts how often it really ran."""

    def __init__(self, key: str, read: Callable[[Session], object]) -> None:
        self.key, self.read, self.runs = key, read, 0

    def __call__(self, url: str) -> object:
        with session_scope(url) as s:
            return self.on(s)

    def on(self, s: Session) -> object:
        def compute() -> object:
            self.runs += 1
            return self.read(s)

        return snapshots.cached(s, self.key, compute)


def _people(s: Session) -> list[str]:
    return sorted(s.scalars(select(Person.name)))


def _check_ins(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(CheckIn)) or 0)


def _check_in(url: str) -> None:
    with session_scope(url) as s:
        first, second = s.scalars(select(Person.id).limit(2))
        s.add(CheckIn(manager_person_id=first, employee_person_id=second, held_on=dt.date.today()))


def test_a_check_in_keeps_the_headcount_and_shows_in_what_reads_check_ins(url: str) -> None:
    people, check_ins = Counting("people", _people), Counting("check-ins", _check_ins)
    assert people(url) == ["P0", "P1", "P2"] and check_ins(url) == 0
    _check_in(url)
    assert people(url) == ["P0", "P1", "P2"] and people.runs == 1, "nothing it read changed"
    assert check_ins(url) == 1 and check_ins.runs == 2


def test_changes_in_place_and_deletions_are_seen(url: str) -> None:
    people = Counting("people", _people)
    people(url)
    with session_scope(url) as s:
        s.scalars(select(Person).where(Person.name == "P1")).one().name = "Renamed"
    assert people(url) == ["P0", "P2", "Renamed"]
    with session_scope(url) as s:
        s.execute(update(Person).where(Person.name == "P0").values(name="Bulk"))
    assert people(url) == ["Bulk", "P2", "Renamed"]
    with session_scope(url) as s:
        s.delete(s.scalars(select(Person).where(Person.name == "P2")).one())
    assert people(url) == ["Bulk", "Renamed"] and people.runs == 4


def test_touch_and_a_charter_change_renew_everything(url: str) -> None:
    check_ins = Counting("check-ins", _check_ins)
    check_ins(url)
    with session_scope(url) as s:
        data_version.touch(s)
    check_ins(url)
    assert check_ins.runs == 2


def test_what_the_session_read_before_counts_as_read(url: str) -> None:
    """A computation that uses people loaded earlier in the request depends on them."""
    with session_scope(url) as s:
        loaded = _people(s)
        size = Counting("size", lambda _: len(loaded))
        assert size.on(s) == 3
    with session_scope(url) as s:
        s.add(Person(hris_id="E9", name="P9"))
    with session_scope(url) as s:
        assert size.on(s) == 3 and size.runs == 2, "computed afresh (here from the stale list)"


def test_a_cached_answer_handed_to_a_computation_carries_its_tables(url: str) -> None:
    people = Counting("people", _people)
    people(url)  # cached on its own first: the outer computation only gets the answer
    counted = Counting("outer", lambda s: len(people.on(s)))
    with session_scope(url) as s:
        assert counted.on(s) == 3
    with session_scope(url) as s:
        s.add(Person(hris_id="E8", name="P8"))
    with session_scope(url) as s:
        assert data_version.reads(s) == frozenset()
        assert counted.on(s) == 4 and counted.runs == 2


def test_raw_sql_reads_and_writes_the_tables_it_names(url: str) -> None:
    raw = Counting("raw", lambda s: s.execute(text("SELECT count(*) FROM person")).scalar())
    assert raw(url) == 3
    _check_in(url)
    assert raw(url) == 3 and raw.runs == 1
    with session_scope(url) as s:
        s.execute(text("UPDATE person SET name = 'Raw' WHERE name = 'P0'"))
    raw(url)
    assert raw.runs == 2
