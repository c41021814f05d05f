"""Idempotent bulk writes: rows are matched to stored rows by natural key, so a re-import only touches
what changed and can say how many rows were inserted, updated and unchanged.

Existing rows are fetched per chunk with a row-value IN on the natural key (indexed on both
SQLite and PostgreSQL); a table that was empty when the import began skips that look-up entirely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select, tuple_, update

LOOKUP_BATCH = 5_000


class Status(IntEnum):
    UNCHANGED = 0
    UPDATED = 1
    INSERTED = 2


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, statuses: Sequence[Status]) -> None:
        for status in statuses:
            if status is Status.INSERTED:
                self.inserted += 1
            elif status is Status.UPDATED:
                self.updated += 1
            else:
                self.unchanged += 1


@dataclass
class Outcome:
    statuses: list[Status]
    ids: list[int]


class Upserter:
    """Writes records (dicts with `key` and `fields`) to one table and reports what each one did."""

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
        self._update = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({f: bindparam(f"_new_{f}") for f in self.fields})
        )

    def existing(self, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """Stored (id, *fields) by natural key for the given keys."""
        if self._preloaded is not None:
            return self._preloaded
        if self.empty_at_start or not keys:
            return {}
        return self._fetch(keys)

    def _fetch(self, keys: list[tuple[Any, ...]] | None) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """`keys=None` loads the whole table: for small tables whose key may hold NULLs (IN never matches)."""
        columns = [self.table.c[k] for k in self.key]
        target = tuple_(*columns) if len(columns) > 1 else columns[0]
        selected = [self.table.c.id, *columns, *(self.table.c[f] for f in self.fields)]
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

    def write(self, records: list[dict[str, Any]], want_ids: bool = False) -> Outcome:
        keys = [tuple(r[k] for k in self.key) for r in records]
        stored = self.existing(keys)
        statuses: list[Status] = []
        ids: list[int] = []
        new: list[dict[str, Any]] = []
        new_positions: list[int] = []
        changed: list[dict[str, Any]] = []
        for position, (key, record) in enumerate(zip(keys, records, strict=True)):
            current = stored.get(key)
            if current is None:
                statuses.append(Status.INSERTED)
                ids.append(0)
                new.append(record)
                new_positions.append(position)
                continue
            ids.append(current[0])
            if all(_same(record[f], old) for f, old in zip(self.fields, current[1:], strict=True)):
                statuses.append(Status.UNCHANGED)
                continue
            statuses.append(Status.UPDATED)
            changed.append({"_id": current[0], **{f"_new_{f}": record[f] for f in self.fields}})
        if new:
            if want_ids or self._preloaded is not None:
                statement = insert(self.table).returning(self.table.c.id, sort_by_parameter_order=True)
                for position, row in zip(new_positions, self.conn.execute(statement, new), strict=True):
                    ids[position] = row[0]
            else:
                self.conn.execute(insert(self.table), new)
            if self._preloaded is not None:
                for position in new_positions:
                    self._preloaded[keys[position]] = (
                        ids[position],
                        *(records[position][f] for f in self.fields),
                    )
        if changed:
            self.conn.execute(self._update, changed)
        return Outcome(statuses, ids)


def _same(new: Any, old: Any) -> bool:
    if isinstance(new, float) and isinstance(old, (int, float)):
        return abs(new - old) <= 1e-9 * max(1.0, abs(new))
    return bool(new == old)
