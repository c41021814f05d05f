"""The demo's calendar. Everything is a day offset from the as-of date, so the same seed and as-of
always give the same organisation, whatever day the generator runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

WINDOW_WEEKS = 104
TENURE_HORIZON_DAYS = 3650
SURVEY_CYCLE_OFFSETS_WEEKS = (60, 30, 6)
WORKLOAD_RISE_WEEKS = 39
ATTRITION_RISE_WEEKS = 26
QUARTERS = 8
NEVER = 10**7  # offset of something that has not happened (no exit, never promoted)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Timeline:
    """Day offsets (negative = before as-of) for the window the demo fills with history."""

    as_of: dt.date

    @property
    def week_offsets(self) -> np.ndarray:
        """Mondays of the 104 complete weeks that end just before as-of, oldest first."""
        start = monday_of(self.as_of) - dt.timedelta(weeks=WINDOW_WEEKS)
        first = (start - self.as_of).days
        return first + 7 * np.arange(WINDOW_WEEKS)

    @property
    def window_start(self) -> int:
        return int(self.week_offsets[0])

    @property
    def workload_rise_start(self) -> int:
        return -7 * WORKLOAD_RISE_WEEKS

    @property
    def attrition_rise_start(self) -> int:
        return -7 * ATTRITION_RISE_WEEKS

    @property
    def survey_open_offsets(self) -> tuple[int, ...]:
        return tuple(int(self.week_offsets[-w]) for w in SURVEY_CYCLE_OFFSETS_WEEKS)

    @property
    def quarter_offsets(self) -> list[int]:
        """First day of each of the last eight calendar quarters, oldest first."""
        year, quarter = self.as_of.year, (self.as_of.month - 1) // 3
        starts = []
        for back in range(QUARTERS - 1, -1, -1):
            q = quarter - back
            y = year + q // 4
            starts.append(dt.date(y, 3 * (q % 4) + 1, 1))
        return [(s - self.as_of).days for s in starts]

    def date(self, offset: int) -> dt.date:
        return self.as_of + dt.timedelta(days=int(offset))

    def dates(self, offsets: np.ndarray) -> list[dt.date | None]:
        """Offsets to dates; NEVER becomes None."""
        base = np.datetime64(self.as_of, "D")
        never = offsets >= NEVER
        values: list[dt.date] = (base + np.where(never, 0, offsets).astype("timedelta64[D]")).tolist()
        return [None if n else v for n, v in zip(never.tolist(), values, strict=True)]

    def seasonal_leave(self, offsets: np.ndarray) -> np.ndarray:
        """How strongly each week attracts time off: the year-end holidays most, then summer."""
        base = np.datetime64(self.as_of, "D")
        days = base + offsets.astype("timedelta64[D]")
        months = days.astype("datetime64[M]").astype(int) % 12 + 1
        day_of_month = (days - days.astype("datetime64[M]")).astype(int) + 1
        year_end = ((months == 12) & (day_of_month >= 20)) | ((months == 1) & (day_of_month <= 2))
        summer = (months == 7) | (months == 8)
        return np.where(year_end, 1.0, np.where(summer, 0.45, 0.0))
