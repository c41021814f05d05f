"""Weekly work-pattern totals per person (never message content)."""

from __future__ import annotations

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import (
    Context,
    ImportKind,
    person_ids,
    require_known,
    require_people,
    write_columns,
)
from peoplealign.ingest.upsert import with_default
from peoplealign.store.models import ActivityWeek


def _hours(name: str, required: bool = False) -> Column:
    return Column(name, ColumnType.FLOAT, required=required, minimum=0, maximum=168)


class ActivityImport(ImportKind):
    """Weekly hours, after-hours, meetings, time off and output per person."""

    name = "activity"
    columns = (
        Column("hris_id", required=True),
        Column("week_start", ColumnType.DATE, required=True),
        _hours("hours", required=True),
        _hours("after_hours"),
        _hours("meeting_hours"),
        _hours("pto_hours"),
        Column("output", ColumnType.FLOAT, minimum=0),
    )
    key = ("hris_id", "week_start")

    def check(self, rows: Parsed, ctx: Context) -> None:
        require_people(rows, ctx)
        require_known(rows, ctx, "week_start", lambda day: day.weekday() == 0, "a Monday")

    def write(self, rows: Parsed, ctx: Context) -> None:
        columns = rows.columns(["week_start", "hours", "output"], person_id=person_ids(rows, ctx))
        for optional in ("after_hours", "meeting_hours", "pto_hours"):
            columns[optional] = with_default(rows.get(optional), 0.0)
        write_columns(ctx, ActivityWeek.__table__, ("person_id", "week_start"), columns)
