"""People's skills, and the skill catalogue they name (created or refreshed from the same file)."""

from __future__ import annotations

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import Context, ImportKind, person_ids, require_people, write_columns
from peoplealign.ingest.kinds.catalogue import Catalogue
from peoplealign.store.models import PersonSkill, Skill


def proficiency(name: str) -> Column:
    return Column(name, ColumnType.INT, required=True, minimum=1, maximum=5)


def skill_catalogue(ctx: Context) -> Catalogue:
    return Catalogue.of(ctx, Skill.__table__, ctx.lookups.skills())


class SkillsImport(ImportKind):
    """Each person's proficiency (1–5) per skill; also creates or refreshes the skill catalogue."""

    name = "skills"
    columns = (
        Column("hris_id", required=True),
        Column("skill_code", required=True, max_length=64),
        proficiency("proficiency"),
        Column("skill_name"),
        Column("category", max_length=100),
        Column("assessed_on", ColumnType.DATE),
        Column("source", max_length=32),
    )
    key = ("hris_id", "skill_code")

    def check(self, rows: Parsed, ctx: Context) -> None:
        require_people(rows, ctx)

    def write(self, rows: Parsed, ctx: Context) -> None:
        skills = skill_catalogue(ctx)
        entries: dict[str, dict[str, str | None]] = {}
        for code, name, category in zip(
            rows.get("skill_code"), rows.get("skill_name"), rows.get("category"), strict=True
        ):
            entries.setdefault(code, {"name": name, "category": category})
        skills.ensure(entries)
        columns = rows.columns(
            ["proficiency", "assessed_on", "source"],
            person_id=person_ids(rows, ctx),
            skill_id=[skills[code] for code in rows.get("skill_code")],
        )
        write_columns(ctx, PersonSkill.__table__, ("person_id", "skill_id"), columns)
