"""Which proficiency each job title needs in each skill: the yardstick for skill gaps."""

from __future__ import annotations

from peoplealign.ingest.columns import Column, Parsed
from peoplealign.ingest.kinds.base import Context, ImportKind, write_columns
from peoplealign.ingest.kinds.skills import proficiency, skill_catalogue
from peoplealign.store.models import RoleRequirement


class RoleRequirementsImport(ImportKind):
    """Required proficiency per job title and skill; creates unknown skills."""

    name = "role-requirements"
    columns = (
        Column("job_title", required=True),
        Column("skill_code", required=True, max_length=64),
        proficiency("required_proficiency"),
    )
    key = ("job_title", "skill_code")

    def write(self, rows: Parsed, ctx: Context) -> None:
        skills = skill_catalogue(ctx)
        skills.ensure({code: {} for code in rows.get("skill_code")})
        columns = rows.columns(
            ["job_title", "required_proficiency"], skill_id=[skills[c] for c in rows.get("skill_code")]
        )
        write_columns(ctx, RoleRequirement.__table__, ("job_title", "skill_id"), columns)
