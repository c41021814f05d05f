"""What every import kind shares: its canonical columns, its natural key, and the two hooks the
pipeline calls per chunk (check in pass 1, write in pass 2), plus helpers for reference checks."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import Connection

from peoplealign.ingest.columns import Column, Parsed
from peoplealign.ingest.lookup import Lookups
from peoplealign.ingest.mapping import Mapping
from peoplealign.ingest.problems import MAX_LISTED, ProblemLog
from peoplealign.ingest.upsert import Columns, Counts, Upserter


@dataclass
class Context:
    """Everything a kind needs during one import; both passes run inside one database transaction."""

    conn: Connection
    file: str
    problems: ProblemLog
    mapping: Mapping
    lookups: Lookups
    counts: Counts = field(default_factory=Counts)
    today: dt.date = field(default_factory=dt.date.today)
    catalogues: dict[str, Any] = field(default_factory=dict)
    _upserters: dict[str, Upserter] = field(default_factory=dict)

    def upserter(
        self, table: Any, key: Sequence[str], fields: Sequence[str], preload: bool = False
    ) -> Upserter:
        """One upserter per table for the whole import, so "was the table empty" is decided once."""
        if table.name not in self._upserters:
            self._upserters[table.name] = Upserter(self.conn, table, key, fields, preload)
        return self._upserters[table.name]


class ImportKind(ABC):
    """Subclasses declare `name`, `columns` and `key`, and implement `write`."""

    name: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    key: ClassVar[tuple[str, ...]]

    @classmethod
    def column_names(cls) -> list[str]:
        return [c.name for c in cls.columns]

    def check(self, rows: Parsed, ctx: Context) -> None:
        """Pass 1: references and rules beyond one cell. Default: none."""
        return None

    def check_end(self, ctx: Context) -> None:
        """Pass 1, after the last chunk: whole-file rules (forward references, cycles)."""
        return None

    @abstractmethod
    def write(self, rows: Parsed, ctx: Context) -> None:
        """Pass 2: upsert one chunk and add its statuses to `ctx.counts`."""

    def write_end(self, ctx: Context) -> None:
        """Pass 2, after the last chunk: deferred writes such as forward references."""
        return None


def require_known(
    rows: Parsed,
    ctx: Context,
    column: str,
    known: Container[Any] | Callable[[Any], bool],
    expected: str,
    values: Iterable[Any] | None = None,
) -> None:
    """Report each non-empty value of `column` that is not known, e.g. a manager nobody employs."""
    if values is None and column not in rows.values:
        return
    is_known = known if callable(known) else known.__contains__
    listed = 0
    for line, value in zip(rows.lines.tolist(), rows.get(column) if values is None else values, strict=True):
        if value is None or is_known(value):
            continue
        if listed < MAX_LISTED:
            ctx.problems.add(int(line), column, f"expected {expected}, found {value!r}")
            listed += 1
        else:
            ctx.problems.count_unlisted(1)


def person_ids(rows: Parsed, ctx: Context, column: str = "hris_id") -> list[int | None]:
    people = ctx.lookups.people()
    return [None if h is None else people[h] for h in rows.get(column)]


def require_people(rows: Parsed, ctx: Context, column: str = "hris_id") -> None:
    require_known(
        rows, ctx, column, ctx.lookups.people(), "the HRIS id of a stored person (import people first)"
    )


def require_org_units(rows: Parsed, ctx: Context, column: str, extra: Container[str] = ()) -> None:
    units = ctx.lookups.org_units()
    require_known(
        rows, ctx, column, lambda code: code in units or code in extra, "the code of a stored org unit"
    )


def org_unit_ids(rows: Parsed, ctx: Context, column: str) -> list[int | None]:
    units = ctx.lookups.org_units()
    return [None if code is None else units[code] for code in rows.get(column)]


def write_columns(
    ctx: Context, table: Any, key: Sequence[str], columns: Columns, preload: bool = False
) -> None:
    """The common case: one table, counts straight from the upsert."""
    ctx.counts.add(ctx.upserter(table, key, list(columns), preload).write(columns).statuses)
