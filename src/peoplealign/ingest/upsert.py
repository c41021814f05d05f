"""Idempotent bulk writes: rows are matched to stored rows by natural key, so a re-import only touches
what changed and can say how many rows were inserted, updated and unchanged.

Rows travel as columns (name → list of values), never as a dict per row: on a million-row file the
per-row objects would cost more than the database's own work. Existing rows are fetched per chunk
with a row-value IN on the natural key (indexed on SQLite and PostgreSQL); a table that was empty
when the import began skips that look-up entirely.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, bindparam, func, insert, select, tuple_, update

LOOKUP_BATCH = 5_000

Columns = dict[str, list[Any]]


class Status(IntEnum):
    UNCHANGED = 0
    UPDATED = 1
    INSERTED = 2


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, statuses: list[Status]) -> None:
        self.inserted += statuses.count(Status.INSERTED)
        self.updated += statuses.count(Status.UPDATED)
        self.unchanged += statuses.count(Status.UNCHANGED)


@dataclass
class Outcome:
    statuses: list[Status]
    ids: list[int]


def with_default(values: list[Any], default: Any) -> list[Any]:
    return [default if v is None else v for v in values]


class Upserter:
    """Writes rows to one table by natural key and reports what each row did."""

    def __init__(
        self, conn: Connection, table: Table, key: Sequence[str], fields: Sequence[str], preload: bool = False
    ) -> None:
        self.conn = conn
        self.table = table
        self.key = tuple(key)
        self.fields = tuple(f for f in fields if f not in self.key)
        self.empty_at_start = conn.execute(select(table.c.id).limit(1)).first() is None
        self._preloaded: dict[tuple[Any, ...], tuple[Any, ...]] | None = None
        if preload:
            self._preloaded = self._fetch(None)

    def existing(self, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """Stored (id, *fields) by natural key for the given keys."""
        if self._preloaded is not None:
            return self._preloaded
        if self.empty_at_start or not keys:
            return {}
        return self._fetch(keys)

    def _fetch(
        self, keys: list[tuple[Any, ...]] | None, with_fields: bool = True
    ) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """`keys=None` loads the whole table: for small tables whose key may hold NULLs (IN never matches)."""
        columns = [self.table.c[k] for k in self.key]
        target = tuple_(*columns) if len(columns) > 1 else columns[0]
        fields = self.fields if with_fields else ()
        selected = [self.table.c.id, *columns, *(self.table.c[f] for f in fields)]
        width = len(columns)
        statements = [select(*selected)]
        if keys is not None:
            wanted = keys if len(columns) > 1 else [k[0] for k in keys]
            statements = [
                select(*selected).where(target.in_(wanted[start : start + LOOKUP_BATCH]))
                for start in range(0, len(wanted), LOOKUP_BATCH)
            ]
        found: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for statement in statements:
            for row in self.conn.execute(statement):
                found[tuple(row[1 : 1 + width])] = (row[0], *row[1 + width :])
        return found

    def numbers_ahead(self) -> bool:
        """Whether `next_ids` may choose ids, so a child can point at a parent inserted by the same
        statement. Only on SQLite, into a table that was empty when the import began (every row is
        new), once this transaction has written and so holds the write lock: no one else can insert
        before us, and a wrong id would collide on the primary key and abort the import rather than
        link the wrong row."""
        if self.conn.dialect.name != "sqlite" or not self.empty_at_start or self._preloaded is not None:
            return False
        return bool(self.conn.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]

    def next_ids(self, count: int) -> list[int]:
        start = self._max_id() + 1
        return list(range(start, start + count))

    def write(self, columns: Columns, want_ids: bool = False, numbered: list[int] | None = None) -> Outcome:
        """`numbered`: ids from `next_ids`, written as given with the rows in the order given."""
        size = len(next(iter(columns.values())))
        if numbered is not None:
            bulk_insert(self.conn, self.table, {**columns, "id": numbered}, range(size))
            return Outcome([Status.INSERTED] * size, numbered)
        if self.empty_at_start and self._preloaded is None:
            return self._insert_all(columns, size, want_ids)
        keys = list(zip(*(columns[k] for k in self.key), strict=True))
        stored = self.existing(keys)
        statuses: list[Status] = []
        ids: list[int] = []
        new: list[int] = []
        changed: list[int] = []
        values = list(zip(*(columns[f] for f in self.fields), strict=True)) if self.fields else [()] * size
        for position, (key, row) in enumerate(zip(keys, values, strict=True)):
            current = stored.get(key)
            if current is None:
                statuses.append(Status.INSERTED)
                ids.append(0)
                new.append(position)
                continue
            ids.append(current[0])
            if all(_same(value, old) for value, old in zip(row, current[1:], strict=True)):
                statuses.append(Status.UNCHANGED)
                continue
            statuses.append(Status.UPDATED)
            changed.append(position)
        if new:
            self._insert(columns, new, ids, want_ids)
            if self._preloaded is not None:
                for position in new:
                    self._preloaded[keys[position]] = (ids[position], *values[position])
        if changed:
            fields = {f: [columns[f][p] for p in changed] for f in self.fields}
            bulk_update(self.conn, self.table, [ids[p] for p in changed], fields)
        return Outcome(statuses, ids)

    def _insert_all(self, columns: Columns, size: int, want_ids: bool) -> Outcome:
        """Nothing was stored when the import began and validation proved the file's keys unique, so
        every row is new: no look-up, no per-row comparison."""
        ids = [0] * size
        if want_ids:
            self._insert(columns, range(size), ids, want_ids)
        else:
            bulk_insert(self.conn, self.table, columns, _index_order(columns, self.key))
        return Outcome([Status.INSERTED] * size, ids)

    def _insert(self, columns: Columns, positions: Sequence[int], ids: list[int], want_ids: bool) -> None:
        """Insert, then learn the new ids: RETURNING with many rows degrades to one statement per row
        on SQLite, so ids are read back by natural key unless SQLite provably numbered them in order."""
        before = self._max_id() if want_ids and self.conn.dialect.name == "sqlite" else None
        bulk_insert(self.conn, self.table, columns, positions)
        if not want_ids:
            return
        if before is not None and self._max_id() == before + len(positions):
            # Each insert took max(id) + 1 (SQLite's rule while ids are far from the limit) and we
            # hold the only write transaction, so the ids are before+1 … before+n in insertion order.
            for offset, position in enumerate(positions, start=1):
                ids[position] = before + offset
            return
        keys = [tuple(columns[k][p] for k in self.key) for p in positions]
        found = self._fetch(keys, with_fields=False)
        for position, key in zip(positions, keys, strict=True):
            ids[position] = found[key][0]

    def _max_id(self) -> int:
        return int(self.conn.execute(select(func.coalesce(func.max(self.table.c.id), 0))).scalar_one())


def bulk_insert(conn: Connection, table: Table, columns: Columns, positions: Sequence[int]) -> None:
    """Plain DB-API executemany of pre-converted rows: per-row SQLAlchemy parameter processing costs more
    than the database's own work on large files."""
    if not len(positions):
        return
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(columns))
    _execute_many(conn, table, compiled, columns, lambda name: name, positions)


def _index_order(columns: Columns, key: Sequence[str]) -> Sequence[int]:
    """Rows in natural-key order, so inserts walk the unique index instead of jumping around it (a
    large win for random keys such as hashed respondents); rows with an empty key part stay as read."""
    parts = [np.asarray(columns[k], dtype=object) for k in key]
    if any((part == None).any() for part in parts):  # noqa: E711 - elementwise comparison
        return range(len(parts[0]))
    ranks = [pd.factorize(part, sort=True)[0] for part in parts]
    order: list[int] = np.lexsort(ranks[::-1]).tolist()
    return order


def bulk_update(conn: Connection, table: Table, ids: list[int], fields: Columns) -> None:
    """Set `fields` on the rows with these ids, one executemany, same conversions as `bulk_insert`."""
    if not ids:
        return
    statement = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({f: bindparam(f"_new_{f}") for f in fields})
    )
    compiled = statement.compile(dialect=conn.dialect)
    values = {"_id": ids, **{f"_new_{f}": v for f, v in fields.items()}}
    _execute_many(conn, table, compiled, values, lambda bind: bind.removeprefix("_new_").lstrip("_"))


def _execute_many(
    conn: Connection,
    table: Table,
    compiled: Any,
    values: Columns,
    column_of: Callable[[str], str],
    positions: Sequence[int] | None = None,
) -> None:
    """Bind parameters in the compiled statement's order, converted by each column's type, with
    Python-side defaults filled in; `positions` picks and orders the rows (default: all, as given)."""
    order: list[str] = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    size = len(next(iter(values.values())))
    prepared = []
    for name in order:
        column = table.c[column_of(name)]
        process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        if name in values:
            prepared.append(_converted(values[name], process))
        else:
            default = _default(table, column.name)
            prepared.append([default if process is None else process(default)] * size)
    rows = list(zip(*prepared, strict=True))
    if positions is not None and not (isinstance(positions, range) and len(positions) == size):
        rows = list(map(rows.__getitem__, positions))
    params: list[Any] = rows if compiled.positional else [dict(zip(order, row, strict=True)) for row in rows]
    conn.exec_driver_sql(compiled.string, params)


def _default(table: Table, name: str) -> Any:
    default = table.c[name].default
    arg = getattr(default, "arg", None)
    return arg(None) if callable(arg) else arg


def _converted(values: list[Any], process: Callable[[Any], Any] | None) -> list[Any]:
    """Each distinct value converted once (dates and codes repeat), then mapped back at C speed."""
    if process is None:
        return values
    memo = {value: process(value) for value in set(values) if value is not None}
    memo[None] = None
    return list(map(memo.__getitem__, values))


def _same(new: Any, old: Any) -> bool:
    if isinstance(new, float) and isinstance(old, (int, float)):
        return abs(new - old) <= 1e-9 * max(1.0, abs(new))
    return bool(new == old)
