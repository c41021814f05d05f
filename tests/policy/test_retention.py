"""Retention removes or anonymises exactly what is past the charter's periods, and audits it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.policy import charter
from peoplealign.policy.actor import Actor
from peoplealign.policy.audit import query, verify
from peoplealign.policy.retention import (
    ANONYMISED_NAME,
    RetentionPermissionError,
    enforce_retention,
)
from peoplealign.store.engine import session_scope
from peoplealign.store.models import (
    ActivityWeek,
    CollaborationEdge,
    Comment,
    Enrollment,
    LearningProgram,
    ModelCard,
    Person,
    Prediction,
    ProtectedAttribute,
    Question,
    Response,
    Survey,
    User,
)

TODAY = dt.date(2026, 6, 1)
LONG_AGO = TODAY - dt.timedelta(days=3000)
RECENT = TODAY - dt.timedelta(days=30)
JOB = Actor.system("retention")


def _days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def _seed(s: Session) -> None:
    gone = Person(
        hris_id="E1", name="Gone Long", email="gone@example.org", exit_date=LONG_AGO, salary=50_000.0
    )
    left = Person(
        hris_id="E2", name="Left Lately", email="left@example.org", exit_date=RECENT, salary=60_000.0
    )
    here = Person(hris_id="E3", name="Still Here", email="here@example.org", salary=70_000.0)
    s.add_all([gone, left, here])
    s.flush()
    s.add(User(email="gone-login@example.org", password_hash="x", roles=["employee"], person_id=gone.id))
    s.add_all(ProtectedAttribute(person_id=p.id, attribute="gender", value="x") for p in (gone, left, here))
    old_survey = Survey(code="S-OLD", name="Old", closed_on=_days(1200))
    new_survey = Survey(code="S-NEW", name="New", closed_on=RECENT)
    s.add_all([old_survey, new_survey])
    s.flush()
    q_old = Question(survey_id=old_survey.id, code="Q1", text="?")
    q_new = Question(survey_id=new_survey.id, code="Q1", text="?")
    s.add_all([q_old, q_new])
    s.flush()
    s.add_all(
        [
            Response(
                survey_id=old_survey.id,
                question_id=q_old.id,
                respondent_key="a",
                person_id=here.id,
                value=4,
                answered_on=_days(1200),
            ),
            Response(
                survey_id=old_survey.id,
                question_id=q_old.id,
                respondent_key="b",
                person_id=here.id,
                value=3,
                answered_on=None,
            ),
            Response(
                survey_id=new_survey.id,
                question_id=q_new.id,
                respondent_key="a",
                person_id=here.id,
                value=5,
                answered_on=RECENT,
            ),
        ]
    )
    s.add_all(
        [
            Comment(
                external_id="C1",
                source="survey",
                person_id=here.id,
                created_on=_days(1100),
                text_redacted="old",
            ),
            Comment(
                external_id="C2", source="survey", person_id=here.id, created_on=RECENT, text_redacted="new"
            ),
        ]
    )
    s.add_all(
        [
            ActivityWeek(person_id=here.id, week_start=_days(800), hours=40),
            ActivityWeek(person_id=here.id, week_start=_days(7), hours=41),
            CollaborationEdge(
                source_person_id=here.id, target_person_id=left.id, period_start=_days(731), weight=3
            ),
        ]
    )
    program = LearningProgram(code="L1", name="Python")
    card = ModelCard(model_name="flight_risk", version="1", card={})
    s.add_all([program, card])
    s.flush()
    s.add(
        Enrollment(
            person_id=here.id, program_id=program.id, enrolled_on=_days(2600), completed_on=_days(2560)
        )
    )
    now = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    s.add_all(
        [
            Prediction(
                model_card_id=card.id, person_id=here.id, value=0.3, scored_at=now - dt.timedelta(days=400)
            ),
            Prediction(
                model_card_id=card.id, person_id=left.id, value=0.2, scored_at=now - dt.timedelta(days=10)
            ),
        ]
    )


EXPECTED = {
    "hris": {"person": 1},
    "protected_attributes": {"protected_attribute": 1},
    "survey": {"response": 2},
    "comments": {"comment": 1},
    "activity": {"activity_week": 1},
    "collaboration": {"collaboration_edge": 1},
    "skills": {"person_skill": 0, "enrollment": 1, "internal_move": 0, "proficiency_milestone": 0},
    "predictions": {"prediction": 1},
}


def _counts(s: Session) -> dict[str, int]:
    models = [
        Person,
        ProtectedAttribute,
        Response,
        Comment,
        ActivityWeek,
        CollaborationEdge,
        Enrollment,
        Prediction,
    ]
    return {m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0) for m in models}


def test_dry_run_counts_without_changing_anything(db_url: str) -> None:
    with session_scope(db_url) as s:
        _seed(s)
    with session_scope(db_url) as s:
        before = _counts(s)
        report = enforce_retention(s, JOB, dry_run=True, today=TODAY)
    assert {o.source: o.rows for o in report.sources} == EXPECTED
    assert report.total == 9 and report.dry_run
    with session_scope(db_url) as s:
        assert _counts(s) == before
        assert query(s) == []


def test_real_run_deletes_anonymises_and_audits(db_url: str) -> None:
    with session_scope(db_url) as s:
        _seed(s)
    with session_scope(db_url) as s:
        before = _counts(s)
        report = enforce_retention(s, JOB, today=TODAY)
    assert {o.source: o.rows for o in report.sources} == EXPECTED
    with session_scope(db_url) as s:
        after = _counts(s)
        assert after["person"] == before["person"]
        for table in ("protected_attribute", "comment", "activity_week", "collaboration_edge", "prediction"):
            assert after[table] == before[table] - 1, table
        assert after["response"] == before["response"] - 2
        gone = s.scalar(select(Person).where(Person.exit_date == LONG_AGO))
        assert gone is not None
        assert (gone.name, gone.email, gone.salary) == (ANONYMISED_NAME, None, None)
        assert gone.hris_id == f"anonymised-{gone.id}"
        left = s.scalar(select(Person).where(Person.hris_id == "E2"))
        assert left is not None and left.name == "Left Lately" and left.salary == 60_000.0
        assert s.scalar(select(Comment.external_id)) == "C2"
        event = query(s, actor="system:retention")[0]
        assert event.action == "retention.enforce" and event.outcome == "changed"
        assert event.detail["counts"]["survey"] == {"response": 2} and event.detail["total"] == 9
        assert verify(s).ok
    with session_scope(db_url) as s:
        assert enforce_retention(s, JOB, today=TODAY).total == 0


def test_anonymise_keeps_answers_but_cuts_the_link_to_the_person(sqlite_url: str) -> None:
    text = charter.default_yaml().replace(
        "retention_days: 1095\n    after_retention: delete",
        "retention_days: 1095\n    after_retention: anonymise",
        1,
    )
    document = charter.parse_yaml(text)
    survey = document.source("survey")
    assert survey is not None and survey.after_retention == "anonymise"
    with session_scope(sqlite_url) as s:
        _seed(s)
    with session_scope(sqlite_url) as s:
        enforce_retention(s, JOB, document, today=TODAY)
    with session_scope(sqlite_url) as s:
        linked = list(s.execute(select(Response.respondent_key, Response.person_id).order_by(Response.id)))
        assert [(r.respondent_key, r.person_id is None) for r in linked] == [
            ("a", True),
            ("b", True),
            ("a", False),
        ]


def test_only_administrators_enforce_retention(sqlite_url: str) -> None:
    with session_scope(sqlite_url) as s, pytest.raises(RetentionPermissionError):
        enforce_retention(s, Actor(email="ana@example.org", roles=frozenset({"analyst"})), today=TODAY)


def test_delete_removes_leavers_and_unlinks_their_logins(sqlite_url: str) -> None:
    text = charter.default_yaml().replace(
        "retention_days: 2555\n    after_retention: anonymise",
        "retention_days: 2555\n    after_retention: delete",
        1,
    )
    with session_scope(sqlite_url) as s:
        _seed(s)
        gone = s.scalar(select(Person.id).where(Person.hris_id == "E1"))
        s.add(Person(hris_id="E4", name="Report", manager_id=gone))
    with session_scope(sqlite_url) as s:
        report = enforce_retention(s, JOB, charter.parse_yaml(text), today=TODAY)
        assert report.sources[0].rows == {"person": 1}
    with session_scope(sqlite_url) as s:
        assert s.scalar(select(Person).where(Person.hris_id == "E1")) is None
        login = s.scalar(select(User).where(User.email == "gone-login@example.org"))
        assert login is not None and login.person_id is None
        orphan = s.scalar(select(Person).where(Person.hris_id == "E4"))
        assert orphan is not None and orphan.manager_id is None
