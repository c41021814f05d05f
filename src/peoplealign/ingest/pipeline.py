"""One import, start to finish: pass 1 reads the whole file and validates it, keeping only keys;
pass 2 reads it again and writes, inside the same single transaction. If anything is wrong nothing
is written, and the user gets every problem's file, row and column."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import pickle
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert
from sqlalchemy.exc import IntegrityError

from peoplealign.errors import InvalidInputError
from peoplealign.ingest.columns import ChunkParser, Parsed
from peoplealign.ingest.keys import DuplicateKeys
from peoplealign.ingest.kinds.base import Context, ImportKind
from peoplealign.ingest.kinds.registry import KINDS
from peoplealign.ingest.lookup import Lookups
from peoplealign.ingest.mapping import Mapping, load_mapping
from peoplealign.ingest.problems import ProblemLog
from peoplealign.ingest.source import DEFAULT_CHUNK_ROWS, FileFacts, read_chunks, scan
from peoplealign.ingest.upsert import Counts
from peoplealign.policy import audit
from peoplealign.store.engine import get_engine
from peoplealign.store.models import ImportRun

SQLITE_IMPORT_CACHE_KIB = 128 * 1024
# Parsed rows pass 2 replays from memory before the rest go to the spill file: pickling a chunk costs
# about as much as parsing it again, and this many rows of parsed values stay well under 200 MB.
REPLAY_IN_MEMORY_ROWS = 250_000


class Progress(Protocol):
    def start(self, total_bytes: int) -> None: ...

    def advance(self, done_bytes: int) -> None: ...


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    file: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    seconds: float
    dry_run: bool

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def kind_for(name: str) -> type[ImportKind]:
    try:
        return KINDS[name]
    except KeyError:
        raise InvalidInputError(f"unknown import kind {name!r}; expected one of {', '.join(KINDS)}") from None


def import_file(
    kind_name: str,
    path: Path,
    *,
    url: str,
    mapping_path: Path | None = None,
    dry_run: bool = False,
    actor: str = "system:import",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportSummary:
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    kind_type = kind_for(kind_name)
    mapping = load_mapping(mapping_path, kind_type.column_names()) if mapping_path else Mapping()
    facts = scan(path, mapping.format, mapping.delimiter)
    if progress is not None:
        progress.start(facts.size * (1 if dry_run else 2))
    try:
        with (
            tempfile.TemporaryFile(prefix="peoplealign-import-") as spill,
            get_engine(url).begin() as conn,
            _larger_page_cache(conn),
            _cyclic_gc_paused(),
        ):
            reader = _Reader(kind_type, mapping, facts, chunk_rows, progress, today or dt.date.today(), spill)
            ctx = Context(conn, path.name, reader.problems, mapping, Lookups(conn), today=reader.today)
            kind = kind_type()
            rows = reader.validate(kind, ctx)
            if not dry_run:
                for parsed in reader.validated():
                    kind.write(parsed, ctx)
                kind.write_end(ctx)
                _record_run(conn, kind_name, path, facts.sha256, actor, started_at, rows, ctx.counts)
    except IntegrityError as exc:
        # Validation covers what the file can get wrong; this catches what changed underneath it
        # (another import running at the same time), still without a traceback or a partial write.
        raise InvalidInputError(
            f"{path.name}: the database refused the rows ({exc.orig}); nothing was imported"
        ) from None
    counts = ctx.counts
    return ImportSummary(
        kind_name,
        str(path),
        rows,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        round(time.perf_counter() - started, 3),
        dry_run,
    )


def _record_run(
    conn: Connection,
    kind: str,
    path: Path,
    sha256: str,
    actor: str,
    started_at: dt.datetime,
    rows: int,
    counts: Counts,
) -> None:
    conn.execute(
        insert(ImportRun),
        {
            "kind": kind,
            "file_name": path.name,
            "file_sha256": sha256,
            "actor": actor,
            "started_at": started_at,
            "finished_at": dt.datetime.now(dt.UTC),
            "rows": rows,
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        },
    )
    audit.record_on_connection(
        conn,
        actor,
        "import",
        f"import:{kind}",
        detail={
            "file": path.name,
            "sha256": sha256,
            "rows": rows,
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        },
    )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """An import allocates millions of small tuples and lists that reference counting frees; the cycle
    collector would rescan them over and over for nothing, so it waits until the import is over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _larger_page_cache(conn: Connection) -> Iterator[None]:
    """SQLite's default 2 MB page cache makes index inserts from a large file thrash; give the import
    connection more for the duration, then restore it."""
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={previous}")


class _Reader:
    """Turns the file into parsed chunks the same way in both passes."""

    def __init__(
        self,
        kind: type[ImportKind],
        mapping: Mapping,
        facts: FileFacts,
        chunk_rows: int,
        progress: Progress | None,
        today: dt.date,
        spill: IO[bytes],
    ) -> None:
        self.kind = kind
        self.mapping = mapping
        self.facts = facts
        self.chunk_rows = chunk_rows
        self.progress = progress
        self.today = today
        self.problems = ProblemLog(facts.path.name)
        self.parser = ChunkParser(kind.columns, mapping.dates, today)
        self._header_checked: set[str] = set()
        self._spill = spill
        self._kept: list[tuple[dict[str, list[Any]], np.ndarray]] = []
        self._kept_rows = 0
        self._spilled = 0

    def _parsed(self) -> Iterator[Parsed]:
        advance = self.progress.advance if self.progress is not None else None
        for chunk in read_chunks(self.facts, self.problems, self.chunk_rows, advance, self.mapping.delimiter):
            frame = self.mapping.apply(chunk.frame, chunk.lines, self.problems)
            self._check_columns(frame, int(chunk.lines[0]), self.problems)
            yield self.parser.parse(frame, chunk.lines, self.problems, chunk.trimmed and frame is chunk.frame)

    def validated(self) -> Iterator[Parsed]:
        """Pass 2 replays pass 1's parsed chunks, the first from memory and the rest from a temporary
        file, instead of parsing the file again."""
        self._spill.seek(0)
        step = self.facts.size // max(1, len(self._kept) + self._spilled)
        spilled = (pickle.load(self._spill) for _ in range(self._spilled))
        for values, lines in itertools.chain(self._kept, spilled):
            if self.progress is not None:
                self.progress.advance(step)
            yield Parsed(values, lines, {})

    def validate(self, kind: ImportKind, ctx: Context) -> int:
        duplicates = DuplicateKeys(self.kind.key)
        rows = 0
        for parsed in self._parsed():
            rows += len(parsed)
            if all(k in parsed.texts for k in self.kind.key):
                duplicates.add(parsed.texts, parsed.lines)
            kind.check(parsed, ctx)
            if not self.problems:
                self._keep(parsed)
        duplicates.report(self.problems)
        kind.check_end(ctx)
        if rows == 0 and not self.problems:
            self.problems.add(None, None, "the file has no data rows; expected a header row and data rows")
        self.problems.raise_if_any()
        return rows

    def _keep(self, parsed: Parsed) -> None:
        if not self._spilled and self._kept_rows + len(parsed) <= REPLAY_IN_MEMORY_ROWS:
            self._kept.append((parsed.values, parsed.lines))
            self._kept_rows += len(parsed)
            return
        pickle.dump((parsed.values, parsed.lines), self._spill, protocol=pickle.HIGHEST_PROTOCOL)
        self._spilled += 1

    def _check_columns(self, frame: pd.DataFrame, first_line: int, problems: ProblemLog) -> None:
        """Unknown and missing columns are reported once, then the import stops: rows would only echo them."""
        header_line = 1 if self.facts.format == "csv" else first_line
        before = problems.total
        known = set(self.kind.column_names())
        names = self.kind.column_names()
        found = [str(c) for c in frame.columns]
        for column in sorted({c for c in found if found.count(c) > 1}):
            problems.add(header_line, column, "expected each column once, found it more than once")
        for column in found:
            if column not in known and column not in self._header_checked:
                self._header_checked.add(column)
                hint = "rename it in a mapping file (columns:) or list it under ignore:"
                problems.add(
                    header_line, column, f"unknown column; expected one of {', '.join(names)} ({hint})"
                )
        for spec in self.kind.columns:
            if spec.required and spec.name not in frame.columns and spec.name not in self._header_checked:
                self._header_checked.add(spec.name)
                problems.add(header_line, spec.name, "required column is missing")
        if problems.total > before:
            problems.raise_if_any()
