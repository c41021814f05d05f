"""Reading an analyst's survival table: any CSV with an event column and a duration column.

The event column may say Yes/No, True/False, 1/0, Y/N (any case); anything else is an error naming
the file, the row (as the file's line number) and the column, because a silently misread event
column would make every figure wrong. Rows with a blank event or duration are left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from peoplealign.errors import InvalidInputError

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "1.0", "left", "exited"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "0.0", "stayed", "active"})
MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?", "#n/a"})


@dataclass(frozen=True)
class SurvivalTable:
    """Event, duration and the remaining columns of one file, aligned row by row."""

    source: str
    columns: pd.DataFrame  # every column except event and duration, as read
    event: np.ndarray
    duration: np.ndarray
    line_numbers: np.ndarray  # the file line each row came from (header is line 1)
    rows_dropped: int


def read_survival_csv(path: Path, event_column: str, duration_column: str) -> SurvivalTable:
    """The file as a survival table; blank event/duration rows are dropped, bad values refused."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InvalidInputError(f"{path}: not a readable CSV file: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in (event_column, duration_column):
        if column not in frame.columns:
            raise InvalidInputError(
                f"{path}: no column {column!r}; the columns are {', '.join(map(str, frame.columns))}"
            )
    lines = np.arange(len(frame)) + 2
    stripped = frame.apply(lambda s: s.str.strip())
    blank = (stripped[event_column] == "") | (stripped[duration_column] == "")
    kept = stripped[~blank.to_numpy()]
    kept_lines = lines[~blank.to_numpy()]
    event = parse_events(kept[event_column], kept_lines, path, event_column)
    duration = _parse_durations(kept[duration_column], kept_lines, path, duration_column)
    if len(event) < 20 or event.sum() < 5 or (event == 0).sum() < 5:
        raise InvalidInputError(
            f"{path}: column {event_column!r} needs at least 20 rows with at least 5 events and 5 "
            f"non-events; it has {len(event)} rows and {int(event.sum())} events"
        )
    others = kept.drop(columns=[event_column, duration_column])
    others = others.mask(others.apply(lambda c: c.str.lower().isin(MISSING_WORDS)))
    return SurvivalTable(
        str(path), others.reset_index(drop=True), event, duration, kept_lines, int(blank.sum())
    )


def parse_events(values: pd.Series, lines: np.ndarray, path: Path | str, column: str) -> np.ndarray:
    """1 for an event (left), 0 otherwise; the first unreadable value is reported with its line."""
    lowered = values.astype(str).str.strip().str.lower()
    event = np.where(lowered.isin(TRUE_WORDS), 1, np.where(lowered.isin(FALSE_WORDS), 0, -1))
    bad = np.flatnonzero(event < 0)
    if len(bad):
        first = bad[0]
        raise InvalidInputError(
            f"{path}: row {lines[first]}, column {column!r}: cannot read {values.iloc[first]!r} as an "
            "event; use Yes/No, True/False, 1/0 or Y/N"
        )
    return event.astype(np.int64)


def _parse_durations(values: pd.Series, lines: np.ndarray, path: Path, column: str) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(numbers) | (numbers < 0))
    if len(bad):
        first = bad[0]
        raise InvalidInputError(
            f"{path}: row {lines[first]}, column {column!r}: {values.iloc[first]!r} is not a duration "
            "(a number of at least 0)"
        )
    return numbers
