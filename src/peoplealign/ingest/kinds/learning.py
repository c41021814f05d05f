"""Learning enrolments, and the programmes (with the skills they teach) they refer to."""

from __future__ import annotations

from sqlalchemy import insert, select

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import Context, ImportKind, person_ids, require_people, write_columns
from peoplealign.ingest.kinds.catalogue import Catalogue
from peoplealign.ingest.kinds.skills import skill_catalogue
from peoplealign.ingest.upsert import with_default
from peoplealign.store.models import Enrollment, LearningProgram, LearningProgramSkill


class LearningImport(ImportKind):
    """Enrolments in learning programmes; creates programmes and links them to skills."""

    name = "learning"
    columns = (
        Column("hris_id", required=True),
        Column("program_code", required=True, max_length=64),
        Column("enrolled_on", ColumnType.DATE, required=True),
        Column("program_name"),
        Column("program_hours", ColumnType.FLOAT, minimum=0),
        Column("program_skills", max_length=2000),
        Column("completed_on", ColumnType.DATE),
        Column("hours_completed", ColumnType.FLOAT, minimum=0),
    )
    key = ("hris_id", "program_code", "enrolled_on")

    def check(self, rows: Parsed, ctx: Context) -> None:
        require_people(rows, ctx)
        for line, enrolled, completed in zip(
            rows.lines.tolist(), rows.get("enrolled_on"), rows.get("completed_on"), strict=True
        ):
            if completed is not None and enrolled is not None and completed < enrolled:
                ctx.problems.add(
                    line,
                    "completed_on",
                    f"expected a date on or after enrolled_on {enrolled}, found {completed}",
                )

    def write(self, rows: Parsed, ctx: Context) -> None:
        programs = Catalogue.of(ctx, LearningProgram.__table__, ctx.lookups.programs())
        entries: dict[str, dict[str, object]] = {}
        taught: dict[str, list[str]] = {}
        for code, name, hours, skills in zip(
            rows.get("program_code"),
            rows.get("program_name"),
            rows.get("program_hours"),
            rows.get("program_skills"),
            strict=True,
        ):
            entries.setdefault(code, {"name": name, "hours": hours})
            if skills:
                taught.setdefault(code, [s.strip() for s in skills.split(";") if s.strip()])
        programs.ensure(entries)
        self._link_skills(ctx, programs, taught)
        columns = rows.columns(
            ["enrolled_on", "completed_on"],
            hours_completed=with_default(rows.get("hours_completed"), 0.0),
            person_id=person_ids(rows, ctx),
            program_id=[programs[code] for code in rows.get("program_code")],
        )
        write_columns(ctx, Enrollment.__table__, ("person_id", "program_id", "enrolled_on"), columns)

    def _link_skills(self, ctx: Context, programs: Catalogue, taught: dict[str, list[str]]) -> None:
        if not taught:
            return
        skills = skill_catalogue(ctx)
        skills.ensure({code: {} for codes in taught.values() for code in codes})
        links = {(programs[p], skills[s]) for p, codes in taught.items() for s in codes}
        program_ids = sorted({p for p, _s in links})
        stored = set(
            ctx.conn.execute(
                select(LearningProgramSkill.program_id, LearningProgramSkill.skill_id).where(
                    LearningProgramSkill.program_id.in_(program_ids)
                )
            ).tuples()
        )
        new = [{"program_id": p, "skill_id": s} for p, s in sorted(links - stored)]
        if new:
            ctx.conn.execute(insert(LearningProgramSkill), new)
