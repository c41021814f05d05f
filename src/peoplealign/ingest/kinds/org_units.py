"""The organisation tree: units with a parent, kind and cost centre."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import Context, ImportKind
from peoplealign.ingest.kinds.hierarchy import ParentLinks
from peoplealign.ingest.upsert import with_default
from peoplealign.store.models import OrgUnit

UNIT_KINDS = ("company", "division", "department", "team")


class OrgUnitsImport(ImportKind):
    """The organisation tree (parents may come later in the file or be stored already)."""

    name = "org-units"
    columns = (
        Column("code", required=True, max_length=64),
        Column("name", required=True),
        Column("parent_code", max_length=64),
        Column("kind", ColumnType.CHOICE, choices=UNIT_KINDS),
        Column("cost_center", max_length=64),
    )
    key = ("code",)

    def __init__(self) -> None:
        self.parents = ParentLinks("code", "parent_code", "an org unit")

    def check(self, rows: Parsed, ctx: Context) -> None:
        self.parents.check(rows, ctx, ctx.lookups.org_units())

    def check_end(self, ctx: Context) -> None:
        parent = aliased(OrgUnit)
        statement = select(OrgUnit.code, parent.code).join(parent, OrgUnit.parent_id == parent.id)
        self.parents.check_end(ctx, lambda: dict(ctx.conn.execute(statement).tuples().all()))

    def write(self, rows: Parsed, ctx: Context) -> None:
        columns = rows.columns(["code", "name", "cost_center"], kind=with_default(rows.get("kind"), "team"))
        upserter = ctx.upserter(OrgUnit.__table__, ("code",), [*columns, "parent_id"])
        outcome = self.parents.write(
            upserter, columns, "parent_id", rows.get("code"), rows.get("parent_code"), ctx.lookups.org_units()
        )
        ctx.counts.add(outcome.statuses)

    def write_end(self, ctx: Context) -> None:
        self.parents.write_end(ctx, OrgUnit.__table__, "parent_id", ctx.lookups.org_units())
