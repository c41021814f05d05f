"""Quotes leave the comment corpus only from writers whose team had at least k_comments people, for
any organisation, any breakdown and any drill-down group; a manager is quoted only their own line."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.listening.theme_report import theme_quotes, theme_report
from peoplealign.policy.actor import Actor
from peoplealign.policy.comment_access import QuoteRequest, comment_corpus
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, Comment, CommentTheme, OrgUnit, Person, Survey

K_COMMENTS = 10
THEME = "Recognition"
ANALYST = Actor("analyst@example.org", frozenset({"analyst"}))
_examples = itertools.count()


def _organisation(
    session: Session, sizes: list[int], writes: list[list[bool]], tag: str
) -> tuple[Survey, dict[int, int]]:
    """Teams of `sizes` people under one department; person j of team i writes one comment on the
    theme when writes[i][j]. Returns the survey and each comment's team size."""
    department = OrgUnit(code=f"{tag}-D", name=f"Department {tag}", kind="department")
    session.add(department)
    session.flush()
    survey = Survey(
        code=f"{tag}-S",
        name=f"Survey {tag}",
        kind=tag,
        cycle=1,
        opened_on=dt.date(2026, 3, 2),
        closed_on=dt.date(2026, 3, 16),
    )
    session.add(survey)
    session.flush()
    team_size: dict[int, int] = {}
    for i, size in enumerate(sizes):
        team = OrgUnit(code=f"{tag}-T{i}", name=f"Team {tag}-{i}", kind="team", parent_id=department.id)
        session.add(team)
        session.flush()
        for j in range(size):
            person = Person(
                hris_id=f"{tag}-{i}-{j}",
                name=f"Person {tag} {i} {j}",
                org_unit_id=team.id,
                hire_date=dt.date(2020, 1, 1),
                level=1 + j % 3,
            )
            session.add(person)
            session.flush()
            if not writes[i][j % len(writes[i])]:
                continue
            comment = Comment(
                external_id=f"{tag}-c-{i}-{j}",
                source="survey",
                survey_id=survey.id,
                person_id=person.id,
                org_unit_id=team.id,
                created_on=dt.date(2026, 3, 5),
                text_redacted=f"Recognition here is rare, remark {tag}-{i}-{j}.",
                sentiment=-0.4,
                sentiment_label="negative",
                model_version="test",
            )
            session.add(comment)
            session.flush()
            session.add(CommentTheme(comment_id=comment.id, theme=THEME, confidence=0.9, sentiment=-0.5))
            team_size[comment.id] = size
    return survey, team_size


def _quoted_ids(session: Session, survey: Survey) -> list[int]:
    events = session.scalars(select(AuditEvent).where(AuditEvent.resource == "comments")).all()
    return [i for e in events if e.detail.get("survey") == survey.code for i in e.detail.get("quotes", [])]


@pytest.fixture(scope="module")
def quote_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from peoplealign.store.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('quotes') / 'quotes.db'}"
    upgrade(url)
    yield url


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=16), min_size=1, max_size=5),
    writes=st.lists(st.lists(st.booleans(), min_size=1, max_size=16), min_size=5, max_size=5),
)
def test_no_quote_ever_comes_from_a_team_below_k_comments(
    quote_db: str, sizes: list[int], writes: list[list[bool]]
) -> None:
    tag = f"q{next(_examples)}"
    with session_scope(quote_db) as session:
        survey, team_size = _organisation(session, sizes, writes, tag)
        reader = PersonalData(session, ANALYST, "listening")
        shown: list[str] = []
        for by in ([], ["org_unit"], ["department"]):
            report = theme_report(reader, survey.code, by, quotes=5)
            shown += [
                q
                for cells in report.themes.values()
                for c in cells
                for q in (c.quotes.texts if c.quotes else [])
            ]
        corpus = comment_corpus(reader, survey.code)
        for i in range(len(sizes)):
            shown += theme_quotes(corpus, THEME, 5, {"org_unit": f"Team {tag}-{i}"}).texts
        quoted = _quoted_ids(session, survey)
        rows = session.execute(
            select(Comment.id, Comment.text_redacted).where(Comment.survey_id == survey.id)
        )
        texts = {comment_id: text for comment_id, text in rows}
    assert set(shown) <= {texts[i] for i in quoted}, "every quote shown is in the audit trail"
    assert all(team_size[i] >= K_COMMENTS for i in quoted)
    writers = [sum(writes[i][j % len(writes[i])] for j in range(size)) for i, size in enumerate(sizes)]
    if sum(writers) >= K_COMMENTS and any(
        w and size >= K_COMMENTS for w, size in zip(writers, sizes, strict=True)
    ):
        assert shown, "with k_comments writers in all, a large enough team is quoted"


def test_a_manager_is_quoted_only_their_own_reporting_line(db_url: str) -> None:
    with session_scope(db_url) as session:
        survey, team_size = _organisation(session, [12, 12], [[True], [True]], "mgr")
        people = session.scalars(select(Person).where(Person.hris_id.like("mgr-%")).order_by(Person.id)).all()
        lead = people[0]
        for person in people[1:12]:
            person.manager_id = lead.id
        session.flush()
        manager = Actor("lead@example.org", frozenset({"manager"}), person_id=lead.id)
        corpus = comment_corpus(PersonalData(session, manager, "listening"), survey.code)
        quoted = theme_quotes(corpus, THEME, 30).texts
        own = {f"Recognition here is rare, remark mgr-0-{j}." for j in range(1, 12)}
    assert quoted and set(quoted) <= own
    assert all(size == 12 for size in team_size.values())


def test_comment_texts_are_refused_to_employees_and_for_other_purposes(db_url: str) -> None:
    with session_scope(db_url) as session:
        survey, _ = _organisation(session, [12], [[True]], "deny")
        employee = Actor("emp@example.org", frozenset({"employee"}))
        with pytest.raises(PolicyDenied, match="never the comment texts"):
            comment_corpus(PersonalData(session, employee, "listening"), survey.code)
        with pytest.raises(PolicyDenied, match="purposes"):
            comment_corpus(PersonalData(session, ANALYST, "development"), survey.code)
    with session_scope(db_url) as session:
        denied = session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert {e.actor for e in denied} == {"emp@example.org", "analyst@example.org"}


def test_quotes_asked_for_together_are_released_alike_and_audited_as_one_read(db_url: str) -> None:
    with session_scope(db_url) as session:
        survey, _ = _organisation(session, [12, 12], [[True], [True]], "batch")
        rows = session.execute(
            select(Comment.id, Comment.text_redacted)
            .where(Comment.survey_id == survey.id)
            .order_by(Comment.id)
        ).all()
        candidates = [(i, text) for i, text in rows]
        corpus = comment_corpus(PersonalData(session, ANALYST, "listening"), survey.code)
        alone = [corpus.quotes(candidates[:3], 2, {"topic": ["a"]}), corpus.quotes(candidates[3:6], 2, {})]
        before = len(_quoted_ids(session, survey))
        together = corpus.release_quotes(
            [QuoteRequest(candidates[:3], 2, {"topic": ["a"]}), QuoteRequest(candidates[3:6], 2, {})]
        )
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.resource == "comments")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).all()
        after = _quoted_ids(session, survey)
    assert together == alone and all(r.texts for r in together)
    (event,) = events
    assert [r["quotes"] for r in event.detail["releases"]] == [
        [i for i, _ in candidates[:2]],
        [i for i, _ in candidates[3:5]],
    ]
    assert event.detail["releases"][0]["topic"] == ["a"]
    assert len(after) - before == 4, "one read lists every quote released"
