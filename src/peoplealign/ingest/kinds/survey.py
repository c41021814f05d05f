"""Survey answers, one per row; surveys and questions are created on first sight.

The respondent id is replaced by a keyed hash before storage. When it is a known HRIS id the answer
is linked to the person (for the policy layer's breakdowns only, never shown) and, unless the file
gives an org unit, inherits the person's unit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import Context, ImportKind, org_unit_ids, require_org_units, write_columns
from peoplealign.ingest.kinds.catalogue import Catalogue
from peoplealign.ingest.problems import MAX_LISTED
from peoplealign.ingest.respondents import respondent_keys, respondent_salt
from peoplealign.store.models import Question, Response, Survey

DEFAULT_SCALES = {"likert": (1, 5), "engagement": (1, 5), "enps": (0, 10)}
QuestionKey = tuple[str, str]


class SurveyImport(ImportKind):
    """Survey answers, one per row; creates surveys and questions; respondents are hashed."""

    name = "survey"
    columns = (
        Column("survey_code", required=True, max_length=64),
        Column("question_code", required=True, max_length=64),
        Column("respondent_id", required=True, max_length=200),
        Column("value", ColumnType.FLOAT, required=True),
        Column("survey_name"),
        Column("survey_kind", ColumnType.CHOICE, choices=("engagement", "pulse", "exit", "leadership")),
        Column("cycle", ColumnType.INT, minimum=0),
        Column("opened_on", ColumnType.DATE),
        Column("question_text", max_length=5000),
        Column("driver", max_length=100),
        Column("question_kind", ColumnType.CHOICE, choices=tuple(DEFAULT_SCALES)),
        Column("scale_min", ColumnType.INT),
        Column("scale_max", ColumnType.INT),
        Column("answered_on", ColumnType.DATE),
        Column("org_unit", max_length=64),
    )
    key = ("survey_code", "question_code", "respondent_id")

    def __init__(self) -> None:
        self.scales: dict[QuestionKey, tuple[int, int]] = {}
        self.new_questions: dict[QuestionKey, dict[str, Any]] = {}
        self.surveys: dict[str, dict[str, Any]] = {}
        self.salt: bytes | None = None

    def check(self, rows: Parsed, ctx: Context) -> None:
        require_org_units(rows, ctx, "org_unit")
        stored = ctx.lookups.questions()
        index = QuestionIndex(rows)
        for key, position in zip(index.keys, index.firsts, strict=True):
            self.surveys.setdefault(
                key[0],
                {
                    "name": rows.get("survey_name")[position],
                    "kind": rows.get("survey_kind")[position],
                    "cycle": rows.get("cycle")[position],
                    "opened_on": rows.get("opened_on")[position],
                },
            )
            if key in self.scales:
                continue
            if key in stored:
                self.scales[key] = (stored[key][2], stored[key][3])
                continue
            kind = rows.get("question_kind")[position] or "likert"
            low = rows.get("scale_min")[position]
            high = rows.get("scale_max")[position]
            default_low, default_high = DEFAULT_SCALES[kind]
            scale = (default_low if low is None else low, default_high if high is None else high)
            if scale[0] >= scale[1]:
                ctx.problems.add(
                    int(rows.lines[position]),
                    "scale_max",
                    f"expected more than scale_min {scale[0]}, found {scale[1]}",
                )
            self.scales[key] = scale
            self.new_questions[key] = {
                "code": key[1],
                "text": rows.get("question_text")[position] or key[1],
                "driver": rows.get("driver")[position],
                "kind": kind,
                "scale_min": scale[0],
                "scale_max": scale[1],
            }
        self._check_values(rows, ctx, index)

    def _check_values(self, rows: Parsed, ctx: Context, index: QuestionIndex) -> None:
        lows = index.per_row([self.scales[k][0] for k in index.keys], float)
        highs = index.per_row([self.scales[k][1] for k in index.keys], float)
        values = np.asarray(rows.get("value"), dtype=float)
        outside = (values < lows) | (values > highs)
        for position in outside.nonzero()[0][:MAX_LISTED].tolist():
            ctx.problems.add(
                int(rows.lines[position]),
                "value",
                f"expected a value within the question's scale {lows[position]:g}–{highs[position]:g}, "
                f"found {values[position]:g}",
            )
        ctx.problems.count_unlisted(max(0, int(outside.sum()) - MAX_LISTED))

    def write(self, rows: Parsed, ctx: Context) -> None:
        if self.salt is None:
            self.salt = respondent_salt(ctx.conn)
        surveys = Catalogue.of(ctx, Survey.__table__, ctx.lookups.surveys(), {"kind": "engagement"})
        surveys.ensure(self.surveys)
        questions = self._ensure_questions(ctx, surveys)
        index = QuestionIndex(rows)
        codes, respondents = pd.factorize(np.asarray(rows.get("respondent_id"), dtype=object))
        people = ctx.lookups.people()
        person_units = ctx.lookups.person_units()
        by_respondent = _Expand(codes)
        columns = rows.columns(
            ["value", "answered_on"],
            survey_id=index.per_row([questions[k][1] for k in index.keys]).tolist(),
            question_id=index.per_row([questions[k][0] for k in index.keys]).tolist(),
            respondent_key=by_respondent(respondent_keys(self.salt, respondents)),
            person_id=by_respondent([people.get(r) for r in respondents]),
            org_unit_id=(
                org_unit_ids(rows, ctx, "org_unit")
                if "org_unit" in rows.values
                else by_respondent([person_units.get(r) for r in respondents])
            ),
        )
        write_columns(ctx, Response.__table__, ("question_id", "respondent_key"), columns)

    def _ensure_questions(
        self, ctx: Context, surveys: Catalogue
    ) -> dict[QuestionKey, tuple[int, int, int, int]]:
        questions = ctx.lookups.questions()
        new = [(key, {**spec, "survey_id": surveys[key[0]]}) for key, spec in self.new_questions.items()]
        if new:
            statement = insert(Question).returning(Question.id, sort_by_parameter_order=True)
            for (key, spec), row in zip(new, ctx.conn.execute(statement, [s for _k, s in new]), strict=True):
                questions[key] = (row[0], spec["survey_id"], spec["scale_min"], spec["scale_max"])
            self.new_questions.clear()
        return questions


class QuestionIndex:
    """The distinct (survey, question) pairs of one chunk, found with vectorised hashing rather than a
    tuple per row: `keys[i]` first occurs at row `firsts[i]`, and row r belongs to `keys[codes[r]]`."""

    def __init__(self, rows: Parsed) -> None:
        survey_codes, surveys = pd.factorize(
            np.asarray(rows.get("survey_code"), dtype=object), use_na_sentinel=False
        )
        question_codes, questions = pd.factorize(
            np.asarray(rows.get("question_code"), dtype=object), use_na_sentinel=False
        )
        combined = survey_codes.astype(np.int64) * (len(questions) + 1) + question_codes
        self.codes, _ = pd.factorize(combined)
        _, first_positions = np.unique(self.codes, return_index=True)
        self.firsts: list[int] = first_positions.tolist()
        self.keys: list[QuestionKey] = [
            (surveys[survey_codes[i]], questions[question_codes[i]]) for i in self.firsts
        ]

    def per_row(self, per_key: list[Any], dtype: Any = object) -> np.ndarray:
        table = np.empty(len(per_key), dtype=dtype)
        table[:] = per_key
        return table[self.codes]


class _Expand:
    """Spreads one value per distinct respondent back over the rows."""

    def __init__(self, codes: np.ndarray) -> None:
        self.codes = codes

    def __call__(self, per_unique: list[Any]) -> list[Any]:
        table = np.empty(len(per_unique), dtype=object)
        table[:] = per_unique
        return table[self.codes].tolist()
