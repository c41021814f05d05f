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
        self._load_people()
        return self._maps["people"]

    def person_units(self) -> dict[str, int | None]:
        """HRIS id → org unit id, for survey answers that inherit the respondent's unit."""
        self._load_people()
        return self._maps["person_units"]

    def _load_people(self) -> None:
        """Both person maps from one read: on a large organisation the read is most of the cost."""
        if "people" in self._maps:
            return
        rows = self.conn.execute(select(Person.hris_id, Person.id, Person.org_unit_id)).tuples().all()
        self._maps["people"] = {hris_id: person_id for hris_id, person_id, _unit in rows}
        self._maps["person_units"] = {hris_id: unit for hris_id, _id, unit in rows}

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
