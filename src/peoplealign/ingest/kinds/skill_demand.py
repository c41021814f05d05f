"""How many people the strategy needs per skill, unit and period (forecasts may lie in the future)."""

from __future__ import annotations

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import (
    Context,
    ImportKind,
    org_unit_ids,
    require_org_units,
    write_columns,
)
from peoplealign.ingest.kinds.skills import skill_catalogue
from peoplealign.ingest.upsert import with_default
from peoplealign.store.models import SkillDemand


class SkillDemandImport(ImportKind):
    """Strategic demand (FTE) per skill, org unit and period; creates unknown skills."""

    name = "skill-demand"
    columns = (
        Column("skill_code", required=True, max_length=64),
        Column("period_start", ColumnType.DATE, required=True, future_ok=True),
        Column("demand_fte", ColumnType.FLOAT, required=True, minimum=0),
        Column("org_unit"),
        Column("strategic_weight", ColumnType.FLOAT, minimum=0),
    )
    key = ("skill_code", "org_unit", "period_start")

    def check(self, rows: Parsed, ctx: Context) -> None:
        require_org_units(rows, ctx, "org_unit")

    def write(self, rows: Parsed, ctx: Context) -> None:
        skills = skill_catalogue(ctx)
        skills.ensure({code: {} for code in rows.get("skill_code")})
        columns = rows.columns(
            ["period_start", "demand_fte"],
            strategic_weight=with_default(rows.get("strategic_weight"), 1.0),
            skill_id=[skills[code] for code in rows.get("skill_code")],
            org_unit_id=org_unit_ids(rows, ctx, "org_unit"),
        )
        key = ("skill_id", "org_unit_id", "period_start")
        write_columns(ctx, SkillDemand.__table__, key, columns, preload=True)
