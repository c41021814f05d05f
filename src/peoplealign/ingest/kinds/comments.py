"""Free-text comments (survey, exit interview, public review). Text is redacted before it is stored:
names of people in the directory, emails, phones and ids never reach the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import (
    Context,
    ImportKind,
    org_unit_ids,
    require_known,
    require_org_units,
    require_people,
    write_columns,
)
from peoplealign.store.models import Comment, Person

if TYPE_CHECKING:
    from peoplealign.policy.redaction import Redactor

SOURCES = ("survey", "exit_interview", "public_review", "other")


class CommentsImport(ImportKind):
    """Free-text comments, redacted before storage (names, emails, phones, ids)."""

    name = "comments"
    columns = (
        Column("comment_id", required=True, max_length=64),
        Column("text", required=True, max_length=20_000),
        Column("created_on", ColumnType.DATE, required=True),
        Column("source", ColumnType.CHOICE, required=True, choices=SOURCES),
        Column("org_unit", max_length=64),
        Column("survey_code", max_length=64),
        Column("question_code", max_length=64),
        Column("hris_id", max_length=64),
    )
    key = ("comment_id",)

    def __init__(self) -> None:
        self.redactor: Redactor | None = None

    def check(self, rows: Parsed, ctx: Context) -> None:
        require_org_units(rows, ctx, "org_unit")
        require_people(rows, ctx)
        require_known(rows, ctx, "survey_code", ctx.lookups.surveys(), "the code of a stored survey")
        questions = ctx.lookups.questions()
        require_known(
            rows,
            ctx,
            "question_code",
            lambda key: key[1] is None or key in questions,
            "a question of the row's stored survey (survey_code)",
            values=[
                None if q is None else (s, q)
                for s, q in zip(rows.get("survey_code"), rows.get("question_code"), strict=True)
            ],
        )

    def write(self, rows: Parsed, ctx: Context) -> None:
        from peoplealign.policy.redaction import REDACTION_VERSION, Redactor

        if self.redactor is None:
            names = ctx.conn.execute(select(Person.name)).scalars().all()
            self.redactor = Redactor(directory_names=names)
        people = ctx.lookups.people()
        person_units = ctx.lookups.person_units()
        questions = ctx.lookups.questions()
        hris_ids = rows.get("hris_id")
        explicit_units = org_unit_ids(rows, ctx, "org_unit")
        columns = rows.columns(
            ["source", "created_on"],
            external_id=rows.get("comment_id"),
            text_redacted=self.redactor.redact_many(rows.get("text")),
            redaction_version=[REDACTION_VERSION] * len(rows),
            survey_id=[None if s is None else ctx.lookups.surveys()[s] for s in rows.get("survey_code")],
            question_id=[
                None if q is None else questions[(s, q)][0]
                for s, q in zip(rows.get("survey_code"), rows.get("question_code"), strict=True)
            ],
            person_id=[None if h is None else people[h] for h in hris_ids],
            org_unit_id=[
                unit if unit is not None or h is None else person_units.get(h)
                for unit, h in zip(explicit_units, hris_ids, strict=True)
            ],
        )
        write_columns(ctx, Comment.__table__, ("external_id",), columns)
