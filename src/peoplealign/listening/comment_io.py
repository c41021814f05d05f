"""Reading comments from an analyst's CSV or JSON Lines file and writing scored records as JSON
Lines: every problem a user can cause names the file, and the row and column where it applies."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from peoplealign.errors import InvalidInputError

JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})


@dataclass(frozen=True)
class InputRows:
    """Comment ids and texts, plus any extra columns asked for (e.g. labels for evaluation), and
    each row's line in the file for error messages."""

    ids: list[str]
    texts: list[str]
    extra: dict[str, list[str]]
    lines: list[int]


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidInputError(
            f"{path}: row {line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return (
        value
        if isinstance(value, str)
        else json.dumps(value)
        if isinstance(value, dict | list)
        else str(value)
    )


def _csv_records(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as exc:
        raise InvalidInputError(f"{path}: row {reader.line_num}: not valid CSV: {exc}") from exc


def _json_lines_records(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"{path}: row {number}: not valid JSON: {exc.msg}") from exc
        if not isinstance(record, dict):
            raise InvalidInputError(f"{path}: row {number}: expected a JSON object per line")
        yield number, record


def read_comments(
    path: Path, text_column: str, id_column: str | None = None, extra_columns: Iterable[str] = ()
) -> InputRows:
    """CSV, or JSON Lines for .jsonl/.ndjson/.json; rows without an id column are numbered from 1."""
    text = _read_text(path)
    is_json_lines = path.suffix.lower() in JSON_LINES_SUFFIXES
    records = _json_lines_records(path, text) if is_json_lines else _csv_records(path, text)
    wanted = [c for c in (text_column, id_column, *extra_columns) if c is not None]
    rows = InputRows([], [], {c: [] for c in extra_columns}, [])
    for count, (line, record) in enumerate(records, start=1):
        for column in wanted:
            if column not in record:
                kind = "key" if is_json_lines else "column"
                known = ", ".join(str(k) for k in record) or "none"
                raise InvalidInputError(f"{path}: row {line}: no {kind} '{column}' (found: {known})")
        rows.lines.append(line)
        rows.ids.append(_cell(record[id_column]) if id_column else str(count))
        rows.texts.append(_cell(record[text_column]))
        for column in extra_columns:
            rows.extra[column].append(_cell(record[column]))
    if not rows.texts and not is_json_lines:
        header = text.splitlines()[0] if text.strip() else ""
        missing = [c for c in wanted if c not in next(csv.reader([header]), [])]
        if missing:
            raise InvalidInputError(f"{path}: row 1: no column '{missing[0]}' in the header")
    return rows


def write_json_lines(records: Iterable[dict[str, Any]], stream: TextIO) -> None:
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False))
        stream.write("\n")
