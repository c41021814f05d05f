"""Natural key → id maps of stored reference data (people, org units, skills, …), loaded once per
import on first use and extended with the rows the import itself inserts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from peoplealign.store.models import LearningProgram, OrgUnit, Person, Question, Skill, Survey


class Lookups:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._maps: dict[str, dict[Any, Any]] = {}

    def _load(self, name: str, statement: Any) -> dict[Any, Any]:
        if name not in self._maps:
            rows = self.conn.execute(statement)
            self._maps[name] = {row[0]: (row[1] if len(row) == 2 else tuple(row[1:])) for row in rows}
        return self._maps[name]

    def people(self) -> dict[str, int]:
        """HRIS id → person id."""
        return self._load("people", select(Person.hris_id, Person.id))

    def person_units(self) -> dict[str, int | None]:
        """HRIS id → org unit id, for survey answers that inherit the respondent's unit."""
        return self._load("person_units", select(Person.hris_id, Person.org_unit_id))

    def org_units(self) -> dict[str, int]:
        return self._load("org_units", select(OrgUnit.code, OrgUnit.id))

    def skills(self) -> dict[str, int]:
        return self._load("skills", select(Skill.code, Skill.id))

    def surveys(self) -> dict[str, int]:
        return self._load("surveys", select(Survey.code, Survey.id))

    def questions(self) -> dict[tuple[str, str], tuple[int, int, int, int]]:
        """(survey code, question code) → (question id, survey id, scale min, scale max)."""
        if "questions" not in self._maps:
            statement = select(
                Survey.code,
                Question.code,
                Question.id,
                Question.survey_id,
                Question.scale_min,
                Question.scale_max,
            ).join(Survey, Survey.id == Question.survey_id)
            self._maps["questions"] = {(r[0], r[1]): tuple(r[2:]) for r in self.conn.execute(statement)}
        return self._maps["questions"]

    def programs(self) -> dict[str, int]:
        return self._load("programs", select(LearningProgram.code, LearningProgram.id))
