"""Versions of the data behind aggregates: per table, and for everything at once.

Caches of aggregates (`policy.snapshots`) keep each answer with the versions of the tables its
computation read, so an employee's check-in drops the aggregates that read check-ins and leaves the
headcounts and survey results in place; an import, a retention run or a charter approval still makes
every dashboard compute afresh. Taking the versions is cheap enough to do on every read (one
statement of primary-key look-ups, about a millisecond). A table's version is its smallest and
largest id (inserts move the largest, deletions of the oldest rows the smallest) and a stamp that
every write through a session renews (`_stamp_writes`: updates in place and deletions add no row).
What every answer depends on: the active charter, the import runs (an import that only updates rows
still adds a run) and a counter that code changing data behind the sessions' back bumps (`touch`).

Which tables a computation read is recorded per session (`reads`): every statement the session runs
adds the tables it names, and everything the session read before a computation counts too, since
the computation may use it (a population loaded for the whole request). Raw SQL reads (and, unless
it is a query, writes) every table whose name appears in it.

A page asks for the versions once per cached aggregate, a dozen times per request, so a session
remembers them until it writes or its transaction ends (`_forget`). Another transaction's commit can
land meanwhile; the request then keeps the versions it started with, as it would if the commit had
come a moment later, and the next request sees it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, Table, event, func, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import TextClause

from peoplealign.store.models import AppSetting, Base, Charter

COUNTER_KEY = "data_version"
STAMP_PREFIX = "data_version:"
# The audit trail grows with every read and user accounts are not aggregated: neither is data here.
_IGNORED = frozenset({"audit_event", "audit_event_subject", "user_account"})
# Imports add a run even when they only update rows: every aggregate depends on them.
_EVERY_ANSWER = frozenset({"import_run"})
_MEMO_KEY = "peoplealign.data_version"
_READS_KEY = "peoplealign.reads"
_PAUSED_KEY = "peoplealign.reads paused"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUERY = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
MAX_SHAPES = 4096
_named: dict[Hashable, frozenset[str]] = {}


@dataclass(frozen=True)
class Versions:
    """What `data_version` read: per table its id bounds and stamp, and what every answer depends on."""

    tables: Mapping[str, tuple[Any, ...]]
    common: tuple[Any, ...]
    _of: dict[frozenset[str], Hashable] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def token(self) -> str:
        """One token for all the data: it moves on any change."""
        everything = (tuple(sorted(self.tables.items())), self.common)
        return hashlib.sha256(repr(everything).encode()).hexdigest()[:32]

    def of(self, tables: Iterable[str]) -> Hashable:
        """The version of what a computation that read `tables` depends on."""
        names = frozenset(tables)
        if (known := self._of.get(names)) is None:
            known = (self.common, tuple((n, self.tables[n]) for n in sorted(names & self.tables.keys())))
            self._of[names] = known
        return known


def _tracked() -> list[Table]:
    return [t for name, t in sorted(Base.metadata.tables.items()) if name not in _IGNORED]


def _has_id(table: Table) -> bool:
    return "id" in table.c and bool(table.c.id.primary_key)


@functools.cache
def _statement() -> Select[Any]:
    """Built once: constructing a hundred and fifty sub-queries costs more than running them."""
    parts = []
    for table in _tracked():
        if _has_id(table):
            # One sub-query per bound: SQLite answers each from the index, but not both in one scan.
            parts.append(select(func.min(table.c.id)).scalar_subquery())
            parts.append(select(func.max(table.c.id)).scalar_subquery())
        stamp = AppSetting.key == STAMP_PREFIX + table.name
        parts.append(select(AppSetting.value).where(stamp).scalar_subquery())
    parts.append(select(func.max(Charter.id)).where(Charter.status == "active").scalar_subquery())
    parts.append(select(AppSetting.value).where(AppSetting.key == COUNTER_KEY).scalar_subquery())
    return select(*parts)


def versions(session: Session) -> Versions:
    """The versions of the data the session sees now (its own uncommitted writes included)."""
    pending = session.new or session.dirty or session.deleted
    memo = session.info.get(_MEMO_KEY)
    if not pending and isinstance(memo, Versions):
        return memo
    session.info[_PAUSED_KEY] = True  # the statement names every table: it is not a read of the data
    try:
        row = iter(session.execute(_statement()).one())
    finally:
        del session.info[_PAUSED_KEY]
    tables: dict[str, tuple[Any, ...]] = {}
    for table in _tracked():
        bounds = (next(row), next(row)) if _has_id(table) else ()
        tables[table.name] = (*bounds, repr(next(row)))
    charter, counter = next(row), repr(next(row))
    common = (charter, counter, *(tables[name] for name in sorted(_EVERY_ANSWER)))
    found = Versions(tables, common)
    session.info[_MEMO_KEY] = found
    return found


def data_version(session: Session) -> str:
    """The token for all the data the session sees now."""
    return versions(session).token


def reads(session: Session) -> frozenset[str]:
    """The tables the session has read so far."""
    return frozenset(session.info.get(_READS_KEY, ()))


def note_reads(session: Session, tables: Iterable[str]) -> None:
    """Count `tables` as read by the session: it was handed an answer computed from them."""
    session.info.setdefault(_READS_KEY, set()).update(tables)


def _tables(statement: Any) -> frozenset[str]:
    """The tables a statement names, remembered per statement shape: SQLAlchemy computes (and keeps
    on the statement) the same cache key to find its compiled form, while walking the statement
    costs a tenth of a millisecond."""
    shape = statement._generate_cache_key() if hasattr(statement, "_generate_cache_key") else None
    if shape is not None and (known := _named.get(shape.key)) is not None:
        return known
    names: frozenset[str] = frozenset()
    for element in visitors.iterate(statement):
        if isinstance(element, Table):
            names |= {element.name}
        elif isinstance(element, TextClause):
            names |= _named_in(element.text)
    if shape is not None:
        if len(_named) >= MAX_SHAPES:
            _named.clear()
        _named[shape.key] = names
    return names


@event.listens_for(Session, "after_flush")
def _stamp_flushed(session: Session, *_: Any) -> None:
    """Rows the unit of work inserted, changed or deleted, and the link tables of their collections."""
    tables: set[str] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        mapper = inspect(instance).mapper
        tables.update(t.name for t in mapper.tables if isinstance(t, Table))
        tables.update(r.secondary.name for r in mapper.relationships if isinstance(r.secondary, Table))
    _stamp(session, tables)
    _forget(session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_MEMO_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _record(state: ORMExecuteState) -> None:
    """Reads name their tables for the session; statements that change rows outside the unit of work
    (bulk inserts, updates, deletes) stamp the tables they change."""
    if state.is_select:
        if _PAUSED_KEY not in state.session.info:
            note_reads(state.session, _tables(state.statement))
        return
    state.session.info.pop(_MEMO_KEY, None)
    statement = state.statement
    if isinstance(statement, TextClause):  # raw SQL, read or write: every table it names
        named = _named_in(statement.text)
        note_reads(state.session, named)
        if not _QUERY.match(statement.text):
            _stamp(state.session, set(named))
    elif isinstance(table := getattr(statement, "table", None), Table):
        _stamp(state.session, {table.name})


def _named_in(sql: str) -> frozenset[str]:
    """The tables raw SQL names: every word that is a table's name (a column of the same name only
    adds a table, which makes a cached answer expire sooner, never later)."""
    return frozenset(word.lower() for word in _WORD.findall(sql)) & Base.metadata.tables.keys()


def _stamp(session: Session, tables: set[str]) -> None:
    """A new stamp for each written table, so that the aggregates that read it are computed afresh.
    Written on the session's connection, outside the unit of work that is flushing."""
    names = sorted(tables - _IGNORED - {AppSetting.__tablename__})
    if not names:
        return
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    for name in names:
        value = {"stamp": uuid.uuid4().hex}
        upsert = dialect.insert(AppSetting).values(key=STAMP_PREFIX + name, value=value)
        connection.execute(upsert.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def touch(session: Session) -> None:
    """Say that data changed behind the sessions' back: every cached aggregate is dropped."""
    current = session.get(AppSetting, COUNTER_KEY)
    if current is None:
        session.add(AppSetting(key=COUNTER_KEY, value={"changes": 1}))
        return
    session.execute(
        update(AppSetting)
        .where(AppSetting.key == COUNTER_KEY)
        .values(value={"changes": int(current.value.get("changes", 0)) + 1}),
        execution_options={"synchronize_session": False},
    )
    session.expire(current)
