"""Reading an import file in bounded chunks, so a million-row file never becomes a million Python rows.

Before any row is read the file is scanned once as bytes: that gives its SHA-256 for the import record,
strips a UTF-8 byte-order mark, rejects an empty file and finds the first byte that is not UTF-8 with
its line, which a spreadsheet user can act on ("save it as UTF-8") where a codec traceback cannot.
Row numbers are the file's own line numbers (CSV header = line 1), even with quoted multi-line cells.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from peoplealign.errors import InvalidInputError
from peoplealign.ingest.problems import ProblemLog

BOM = codecs.BOM_UTF8
SCAN_BLOCK = 1 << 20
DEFAULT_CHUNK_ROWS = 50_000
REPORT_EVERY_LINES = 10_000

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class FileFacts:
    path: Path
    sha256: str
    size: int
    has_bom: bool
    format: str  # csv | jsonl
    simple_csv: bool = False  # no quotes and the same number of fields on every line
    padded_cells: bool = True  # some cell may start or end with whitespace


@dataclass
class Chunk:
    """Up to `chunk_rows` rows as strings ("" when empty), with the line each row starts on."""

    frame: pd.DataFrame
    lines: np.ndarray
    trimmed: bool = False  # no cell has leading or trailing whitespace, so parsing need not strip


def file_format(path: Path, declared: str | None = None) -> str:
    if declared:
        return declared
    return "jsonl" if path.suffix.lower() in {".jsonl", ".ndjson", ".json"} else "csv"


def scan(path: Path, declared_format: str | None = None, delimiter: str = ",") -> FileFacts:
    """Hash the file and prove it is non-empty UTF-8, reading it once in 1 MiB blocks."""
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    shape = _FieldCounts(delimiter)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    size = 0
    lines_before = 0
    has_bom = False
    meaningful = False
    with path.open("rb") as handle:
        while block := handle.read(SCAN_BLOCK):
            if size == 0 and block.startswith(BOM):
                has_bom = True
            digest.update(block)
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                offset = size + exc.start
                line = lines_before + block.count(b"\n", 0, exc.start) + 1
                raise InvalidInputError(
                    f"{path.name}: not valid UTF-8 at byte {offset} (line {line}); save it as UTF-8"
                ) from None
            lines_before += block.count(b"\n")
            shape.add(block)
            body = block[len(BOM) :] if size == 0 and has_bom else block
            meaningful = meaningful or bool(body.strip())
            size += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InvalidInputError(
                f"{path.name}: not valid UTF-8 at byte {size} (line {lines_before + 1}); save it as UTF-8"
            ) from None
    if not meaningful:
        raise InvalidInputError(f"{path.name}: the file is empty; expected a header row and data rows")
    kind = file_format(path, declared_format)
    simple = kind == "csv" and shape.uniform()
    return FileFacts(path, digest.hexdigest(), size, has_bom, kind, simple, shape.padded)


class _FieldCounts:
    """Tracks whether every line has as many delimiters as the header and no quotes appear: such a
    file can go through pandas' C reader with one row per line, so row numbers stay exact."""

    def __init__(self, delimiter: str) -> None:
        self.delimiter = ord(delimiter)
        self._cell_ends = np.array([self.delimiter, ord("\n"), ord("\r")], dtype=np.uint8)
        self._cell_starts = np.array([self.delimiter, ord("\n")], dtype=np.uint8)
        self.padded = False
        self._last = b"\n"
        self.expected: int | None = None
        self.carry = 0
        self.tail_has_text = False
        self.ok = True

    def add(self, block: bytes) -> None:
        if not self.ok:
            return
        if not self.padded:
            self.padded = self._touches_boundary(np.frombuffer(self._last + block, dtype=np.uint8))
        self._last = block[-1:]
        data = np.frombuffer(block, dtype=np.uint8)
        if (data == ord('"')).any():
            self.ok = False
            return
        delimiters = np.flatnonzero(data == self.delimiter)
        ends = np.flatnonzero(data == ord("\n"))
        # Delimiters before each line end, from positions: a running count over every byte costs more.
        before_end = np.searchsorted(delimiters, ends)
        per_line = np.diff(before_end, prepend=0)
        if len(per_line):
            per_line[0] += self.carry
            if self.expected is None:
                self.expected = int(per_line[0])
            self.ok = bool((per_line == self.expected).all())
            self.carry = len(delimiters) - int(before_end[-1])
        else:
            self.carry += len(delimiters)
        self.tail_has_text = bool(block[(ends[-1] + 1 if len(ends) else 0) :].strip())

    def _touches_boundary(self, data: np.ndarray) -> bool:
        """Whether a space or tab starts or ends a cell, looked for only around the blanks themselves:
        a substring search per boundary pattern costs about twenty times more on text with spaces."""
        blanks = np.flatnonzero((data == ord(" ")) | (data == ord("\t")))
        following = data[blanks[blanks + 1 < len(data)] + 1]
        preceding = data[blanks[blanks > 0] - 1]
        return bool(np.isin(following, self._cell_ends).any() or np.isin(preceding, self._cell_starts).any())

    def uniform(self) -> bool:
        if self.tail_has_text and self.expected is not None and self.carry != self.expected:
            return False
        return self.ok and self.expected is not None


class _Text:
    """The file as text, reporting bytes consumed to the progress bar at chunk boundaries (not per
    line: a `tell()` per line would cost more than parsing it)."""

    def __init__(self, raw: IO[bytes], on_bytes: ProgressCallback | None) -> None:
        self._raw = raw
        self.stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        self._on_bytes = on_bytes
        self._seen = 0

    def report(self) -> None:
        if self._on_bytes is not None:
            position = self._raw.tell()
            self._on_bytes(position - self._seen)
            self._seen = position


def read_chunks(
    facts: FileFacts,
    problems: ProblemLog,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    on_bytes: ProgressCallback | None = None,
    delimiter: str = ",",
) -> Iterator[Chunk]:
    """Rows that cannot be read at all (wrong field count, broken JSON) become problems and are skipped."""
    if facts.format == "csv" and facts.simple_csv:
        yield from _simple_csv_chunks(facts, chunk_rows, on_bytes, delimiter)
    elif facts.format == "csv":
        yield from _csv_chunks(facts, problems, chunk_rows, on_bytes, delimiter)
    else:
        yield from _jsonl_chunks(facts, problems, chunk_rows, on_bytes)


def _csv_chunks(
    facts: FileFacts, problems: ProblemLog, chunk_rows: int, on_bytes: ProgressCallback | None, delimiter: str
) -> Iterator[Chunk]:
    with facts.path.open("rb") as raw:
        text = _Text(raw, on_bytes)
        reader = csv.reader(text.stream, delimiter=delimiter)
        header = [name.strip() for name in next(reader, [])]
        width = len(header)
        rows: list[list[str]] = []
        lines: list[int] = []
        previous_end = reader.line_num
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record:
                continue
            if len(record) != width:
                if len(record) < width or any(record[width:]):
                    problems.add(start, None, f"expected {width} fields like the header, found {len(record)}")
                    continue
                record = record[:width]
            rows.append(record)
            lines.append(start)
            if len(rows) >= chunk_rows:
                text.report()
                yield _chunk(rows, header, lines)
                rows, lines = [], []
        text.report()
        if rows:
            yield _chunk(rows, header, lines)


def _simple_csv_chunks(
    facts: FileFacts, chunk_rows: int, on_bytes: ProgressCallback | None, delimiter: str
) -> Iterator[Chunk]:
    """pandas' C reader for files `scan` proved to hold one record per line of equal width."""
    with facts.path.open("rb") as raw:
        reader = pd.read_csv(
            raw,
            sep=delimiter,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
            chunksize=chunk_rows,
            engine="c",
        )
        first_line = 2
        seen = 0
        for frame in reader:
            if on_bytes is not None:
                on_bytes(raw.tell() - seen)
                seen = raw.tell()
            if frame.empty:
                continue
            frame.columns = [str(name).strip() for name in frame.columns]
            lines = np.arange(first_line, first_line + len(frame), dtype=np.int64)
            first_line += len(frame)
            yield Chunk(frame, lines, trimmed=not facts.padded_cells)


def _chunk(rows: list[list[str]], header: list[str], lines: list[int]) -> Chunk:
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    return Chunk(frame, np.asarray(lines, dtype=np.int64))


def _json_records(
    facts: FileFacts, problems: ProblemLog, on_bytes: ProgressCallback | None
) -> Iterator[tuple[int, dict[str, str]]]:
    with facts.path.open("rb") as raw:
        text = _Text(raw, on_bytes)
        for number, line in enumerate(text.stream, start=1):
            if number % REPORT_EVERY_LINES == 0:
                text.report()
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.add(number, None, f"expected one JSON object per line ({exc.msg})")
                continue
            if not isinstance(record, dict):
                problems.add(number, None, f"expected a JSON object, found {type(record).__name__}")
                continue
            yield number, {str(k): _as_text(v) for k, v in record.items()}
        text.report()


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(_as_text(v) for v in value)
    return str(value)


def _jsonl_chunks(
    facts: FileFacts, problems: ProblemLog, chunk_rows: int, on_bytes: ProgressCallback | None
) -> Iterator[Chunk]:
    records: list[dict[str, str]] = []
    lines: list[int] = []
    for number, record in _json_records(facts, problems, on_bytes):
        records.append(record)
        lines.append(number)
        if len(records) >= chunk_rows:
            yield _json_chunk(records, lines)
            records, lines = [], []
    if records:
        yield _json_chunk(records, lines)


def _json_chunk(records: list[dict[str, str]], lines: list[int]) -> Chunk:
    frame = pd.DataFrame.from_records(records).astype(object).fillna("")
    return Chunk(frame, np.asarray(lines, dtype=np.int64))
