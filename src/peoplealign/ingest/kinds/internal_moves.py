"""Promotions, lateral moves, transfers and demotions: the raw material of internal mobility."""

from __future__ import annotations

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import (
    Context,
    ImportKind,
    org_unit_ids,
    person_ids,
    require_org_units,
    require_people,
    write_columns,
)
from peoplealign.store.models import InternalMove


class InternalMovesImport(ImportKind):
    """Promotions, lateral moves, transfers and demotions."""

    name = "internal-moves"
    columns = (
        Column("hris_id", required=True),
        Column("move_date", ColumnType.DATE, required=True),
        Column(
            "kind", ColumnType.CHOICE, required=True, choices=("promotion", "lateral", "transfer", "demotion")
        ),
        Column("from_org_unit"),
        Column("to_org_unit"),
        Column("from_title"),
        Column("to_title"),
        Column("from_level", ColumnType.INT, minimum=0),
        Column("to_level", ColumnType.INT, minimum=0),
    )
    key = ("hris_id", "move_date")

    def check(self, rows: Parsed, ctx: Context) -> None:
        require_people(rows, ctx)
        require_org_units(rows, ctx, "from_org_unit")
        require_org_units(rows, ctx, "to_org_unit")

    def write(self, rows: Parsed, ctx: Context) -> None:
        columns = rows.columns(
            ["move_date", "kind", "from_title", "to_title", "from_level", "to_level"],
            person_id=person_ids(rows, ctx),
            from_org_unit_id=org_unit_ids(rows, ctx, "from_org_unit"),
            to_org_unit_id=org_unit_ids(rows, ctx, "to_org_unit"),
        )
        write_columns(ctx, InternalMove.__table__, ("person_id", "move_date"), columns)
