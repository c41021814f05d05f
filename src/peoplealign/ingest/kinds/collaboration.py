"""How often two people worked together in a period: counts only, never content."""

from __future__ import annotations

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import (
    Context,
    ImportKind,
    person_ids,
    require_people,
    write_columns,
)
from peoplealign.store.models import CollaborationEdge


class CollaborationImport(ImportKind):
    """Interaction counts between two people per period."""

    name = "collaboration"
    columns = (
        Column("source_hris_id", required=True),
        Column("target_hris_id", required=True),
        Column("period_start", ColumnType.DATE, required=True),
        Column("weight", ColumnType.FLOAT, required=True, minimum=0),
    )
    key = ("source_hris_id", "target_hris_id", "period_start")

    def check(self, rows: Parsed, ctx: Context) -> None:
        require_people(rows, ctx, "source_hris_id")
        require_people(rows, ctx, "target_hris_id")
        pairs = zip(rows.lines.tolist(), rows.get("source_hris_id"), rows.get("target_hris_id"), strict=True)
        for line, source, target in pairs:
            if source is not None and source == target:
                ctx.problems.add(
                    line, "target_hris_id", f"expected someone other than the source, found {target!r}"
                )

    def write(self, rows: Parsed, ctx: Context) -> None:
        columns = rows.columns(
            ["period_start", "weight"],
            source_person_id=person_ids(rows, ctx, "source_hris_id"),
            target_person_id=person_ids(rows, ctx, "target_hris_id"),
        )
        key = ("source_person_id", "target_person_id", "period_start")
        write_columns(ctx, CollaborationEdge.__table__, key, columns)
