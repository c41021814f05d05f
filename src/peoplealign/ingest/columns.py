"""Canonical columns and their vectorised parsing: each chunk's strings become typed Python values, and
every value that does not fit becomes a problem saying what was expected and what was found.

Values are parsed once per distinct value (numbers, dates, booleans, choices), so a million rows with
a few hundred distinct dates or scores cost a few hundred parses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from peoplealign.ingest.problems import MAX_LISTED, ProblemLog

ISO_DATE = "%Y-%m-%d"
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "integer"
    FLOAT = "number"
    DATE = "date"
    BOOL = "true/false"
    CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200
    future_ok: bool = False

    def describe(self) -> str:
        if self.type is ColumnType.CHOICE:
            return "|".join(self.choices)
        if self.type is ColumnType.DATE:
            return "date"
        if self.minimum is not None and self.maximum is not None:
            return f"{self.type.value} {self.minimum:g}–{self.maximum:g}"
        return self.type.value


@dataclass
class Parsed:
    """One chunk after parsing: typed Python values per canonical column (None where empty)."""

    values: dict[str, list[Any]]
    lines: np.ndarray
    texts: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.lines)

    def get(self, name: str) -> list[Any]:
        return self.values.get(name) or [None] * len(self)

    def columns(self, names: Sequence[str], **computed: list[Any]) -> dict[str, list[Any]]:
        """The named parsed columns plus computed ones (such as ids resolved from references)."""
        return {**{n: self.get(n) for n in names}, **computed}


class ChunkParser:
    """Parses chunks against one kind's columns; `today` decides what "future" means.

    A column with many bad values lists only the first few per chunk (later ones could never make the
    listed top 20) and counts the rest.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        date_formats: dict[str, str] | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.columns = list(columns)
        self.date_formats = date_formats or {}
        self.today = today or dt.date.today()

    def parse(
        self, frame: pd.DataFrame, lines: np.ndarray, problems: ProblemLog, trimmed: bool = False
    ) -> Parsed:
        """`trimmed`: the reader guarantees no cell has surrounding whitespace, so none is stripped."""
        values: dict[str, list[Any]] = {}
        texts: dict[str, np.ndarray] = {}
        for column in self.columns:
            if column.name not in frame.columns:
                continue
            cells = frame[column.name]
            text = (
                cells.to_numpy(dtype=object)
                if trimmed
                else np.array([v.strip() for v in cells.tolist()], dtype=object)
            )
            texts[column.name] = text
            empty = np.asarray(text == "", dtype=bool)
            if column.required and empty.any():
                self._report(
                    problems,
                    lines[empty],
                    column,
                    _always(f"expected a value ({column.describe()}), found an empty cell"),
                    None,
                )
            values[column.name] = self._parse_column(column, text, empty, lines, problems)
        return Parsed(values, lines, texts)

    def _parse_column(
        self, column: Column, text: np.ndarray, empty: np.ndarray, lines: np.ndarray, problems: ProblemLog
    ) -> list[Any]:
        if column.type in (ColumnType.INT, ColumnType.FLOAT):
            return self._numbers(column, text, empty, lines, problems)
        if column.type is ColumnType.TEXT:
            too_long = np.fromiter(map(len, text), dtype=np.int64, count=len(text)) > column.max_length
            if too_long.any():
                self._report(
                    problems,
                    lines[too_long],
                    column,
                    lambda v: f"expected at most {column.max_length} characters, found {len(v)}",
                    text[too_long],
                )
            cells = text.copy()
            cells[empty] = None
            return cells.tolist()
        parse_one = self._value_parser(column)
        codes, uniques = pd.factorize(text)
        parsed: list[Any] = []
        bad_codes: list[int] = []
        for index, value in enumerate(uniques):
            result = parse_one(value) if value else None
            if isinstance(result, _Invalid):
                bad_codes.append(index)
                result = None
            parsed.append(result)
        if bad_codes:
            bad = np.isin(codes, bad_codes)
            messages = {uniques[i]: parse_one(uniques[i]).message for i in bad_codes}
            self._report(problems, lines[bad], column, lambda v: messages[v], text[bad])
        lookup = np.empty(len(parsed), dtype=object)
        lookup[:] = parsed
        return lookup[codes].tolist() if len(parsed) else [None] * len(text)

    def _numbers(
        self, column: Column, text: np.ndarray, empty: np.ndarray, lines: np.ndarray, problems: ProblemLog
    ) -> list[Any]:
        codes, uniques = pd.factorize(text)
        per_unique = np.asarray(pd.to_numeric(uniques, errors="coerce"), dtype=float)
        numbers = per_unique[codes]
        invalid = np.isnan(numbers) & ~empty
        if column.type is ColumnType.INT:
            invalid |= ~np.isnan(numbers) & (numbers != np.round(numbers))
        if invalid.any():
            expected = "a whole number" if column.type is ColumnType.INT else "a number"
            self._report(
                problems,
                lines[invalid],
                column,
                lambda v: f"expected {expected}, found {v!r}",
                text[invalid],
            )
        out_of_range = np.zeros(len(numbers), dtype=bool)
        if column.minimum is not None:
            out_of_range |= numbers < column.minimum
        if column.maximum is not None:
            out_of_range |= numbers > column.maximum
        if out_of_range.any():
            self._report(
                problems,
                lines[out_of_range],
                column,
                lambda v: f"expected {column.describe()}, found {v}",
                text[out_of_range],
            )
        converted = per_unique.astype(object)
        converted[np.isnan(per_unique)] = None
        if column.type is ColumnType.INT:
            converted[:] = [None if v is None else int(v) for v in converted]
        return converted[codes].tolist()

    def _value_parser(self, column: Column) -> Callable[[str], Any]:
        if column.type is ColumnType.DATE:
            return self._date_parser(column)
        if column.type is ColumnType.BOOL:
            return _parse_bool
        allowed = {c.lower(): c for c in column.choices}

        def choice(value: str) -> Any:
            found = allowed.get(value.lower())
            return (
                found
                if found is not None
                else _Invalid(f"expected one of {column.describe()}, found {value!r}")
            )

        return choice

    def _date_parser(self, column: Column) -> Callable[[str], Any]:
        fmt = self.date_formats.get(column.name, ISO_DATE)
        shown = "YYYY-MM-DD" if fmt == ISO_DATE else fmt

        def parse(value: str) -> Any:
            try:
                iso = fmt == ISO_DATE and len(value) == 10 and value[4] == value[7] == "-"
                day = dt.date.fromisoformat(value) if iso else dt.datetime.strptime(value, fmt).date()
            except ValueError:
                return _Invalid(f"expected a date {shown}, found {value!r}")
            if not column.future_ok and day > self.today:
                return _Invalid(f"expected a date not in the future, found {value}")
            return day

        return parse

    def _report(
        self,
        problems: ProblemLog,
        lines: np.ndarray,
        column: Column,
        message: Callable[[str], str],
        found: np.ndarray | None,
    ) -> None:
        shown = min(len(lines), MAX_LISTED)
        values = [""] * shown if found is None else found[:shown].tolist()
        for line, value in zip(lines[:shown].tolist(), values, strict=True):
            problems.add(int(line), column.name, message(value))
        problems.count_unlisted(len(lines) - shown)


@dataclass(frozen=True)
class _Invalid:
    message: str


def _always(message: str) -> Callable[[str], str]:
    return lambda _value: message


def _parse_bool(value: str) -> Any:
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return _Invalid(f"expected true or false, found {value!r}")
