"""Cached aggregates follow the data: an import (even one that only updates rows), new survey answers,
a retention run and a charter approval each change the data version, and the next read shows the new
numbers. Reads that find nothing changed reuse the loaded population instead of reading it again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from peoplealign.ingest.pipeline import import_file
from peoplealign.policy import charter_store, data_version, gateway, snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import default_yaml
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.retention import enforce_retention
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, Person, Question, Response, Survey

ANALYST = Actor("analyst@example.org", frozenset({"analyst"}))
ADMIN = Actor("admin@example.org", frozenset({"admin"}))
EXECUTIVE = Actor("exec@example.org", frozenset({"executive"}))

UNITS = (
    "code,name,parent_code,kind\n"
    "CO,Acme,,company\nENG,Engineering,CO,department\nOPS,Operations,CO,department\n"
)


def _people(ops: int) -> str:
    """Twelve people; the first `ops` of them in Operations, the rest in Engineering."""
    rows = [
        f"E{i},Person {i},p{i}@example.org,{'OPS' if i < ops else 'ENG'},3,2020-01-0{1 + i % 9}"
        for i in range(12)
    ]
    return "hris_id,name,email,org_unit,level,hire_date\n" + "\n".join(rows) + "\n"


def _import(url: str, tmp_path: Path, kind: str, text: str, name: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    import_file(kind, path, url=url)


def _by_department(url: str) -> dict[str, int | None]:
    with session_scope(url) as s:
        report = PersonalData(s, ANALYST, "org_reporting").headcount(["department"])
    return {str(c.group["department"]): c.n for c in report.cells}


def test_an_import_that_only_moves_people_changes_the_numbers_shown(db_url: str, tmp_path: Path) -> None:
    _import(db_url, tmp_path, "org-units", UNITS, "units.csv")
    _import(db_url, tmp_path, "people", _people(ops=5), "people-1.csv")
    assert _by_department(db_url) == {"Engineering": 7, "Operations": 5}
    with session_scope(db_url) as s:
        before = snapshots.employed(s, dt.date.today())
        assert snapshots.employed(s, dt.date.today()) is before, "nothing changed: the snapshot is reused"
    # Same people, same ids: only three rows change their unit. The import run is what tells.
    _import(db_url, tmp_path, "people", _people(ops=8), "people-2.csv")
    with session_scope(db_url) as s:
        assert s.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) == 12
    assert _by_department(db_url) == {"Engineering": 4, "Operations": 8}


def _survey(url: str, respondents: range, value: float) -> None:
    with session_scope(url) as s:
        survey = s.scalar(select(Survey).where(Survey.code == "S1"))
        if survey is None:
            survey = Survey(code="S1", name="Pulse", opened_on=dt.date(2026, 1, 1))
            s.add(survey)
            s.flush()
            s.add(Question(survey_id=survey.id, code="EN1", text="Proud", kind="engagement"))
            s.flush()
        question = s.scalar(select(Question).where(Question.survey_id == survey.id))
        assert question is not None
        for i in respondents:
            s.add(Response(survey_id=survey.id, question_id=question.id, respondent_key=f"r{i}", value=value))


def _engagement(url: str) -> tuple[int | None, float | None]:
    with session_scope(url) as s:
        cell = PersonalData(s, ANALYST, "survey_reporting").survey_cells("engagement").cells[0]
    return cell.n, cell.value


def test_new_survey_answers_change_the_engagement_shown(db_url: str) -> None:
    _survey(db_url, range(6), 5.0)
    first = _engagement(db_url)
    assert first[0] == 6
    _survey(db_url, range(6, 12), 1.0)
    n, value = _engagement(db_url)
    assert n == 12 and value is not None and first[1] is not None and value < first[1]


def test_a_group_that_grows_past_k_becomes_visible_and_one_that_shrinks_is_hidden_again(
    db_url: str,
) -> None:
    _survey(db_url, range(4), 4.0)
    assert _engagement(db_url) == (None, None), "four answers: below k = 5"
    _survey(db_url, range(4, 5), 4.0)
    assert _engagement(db_url)[0] == 5


def test_charter_approval_and_retention_change_the_data_version(db_url: str) -> None:
    with session_scope(db_url) as s:
        start = data_version.data_version(s)
    with session_scope(db_url) as s:
        draft = charter_store.apply(s, default_yaml(), ANALYST, "default_charter.yaml")
    with session_scope(db_url) as s:
        drafted = data_version.data_version(s)
        charter_store.approve(s, draft.version, EXECUTIVE, "approved for the test")
    with session_scope(db_url) as s:
        approved = data_version.data_version(s)
        assert len({start, drafted, approved}) == 3
        enforce_retention(s, ADMIN)
    with session_scope(db_url) as s:
        assert data_version.data_version(s) != approved


def test_a_repeated_headcount_is_counted_once_and_audited_every_time(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(db_url, tmp_path, "org-units", UNITS, "units.csv")
    _import(db_url, tmp_path, "people", _people(ops=5), "people.csv")
    built: list[object] = []
    original = gateway.build_report
    monkeypatch.setattr(gateway, "build_report", lambda *a, **kw: built.append(a) or original(*a, **kw))
    with session_scope(db_url) as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent))
    for _ in range(3):
        assert _by_department(db_url) == {"Engineering": 7, "Operations": 5}
    with session_scope(db_url) as s:
        town_hall = PersonalData(s, ANALYST, "org_reporting").headcount(["department"], town_hall=True)
        assert {str(c.group["department"]): c.n for c in town_hall.cells} == {
            "Engineering": 7,
            "Operations": 5,
        }
        audited = s.scalar(select(func.count()).select_from(AuditEvent))
    assert len(built) == 2, "one count for the analyst's scope, one for the town hall's"
    assert audited == before + 4, "every read is audited, cached or not"
