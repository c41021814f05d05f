"""Emerging topics on an organisation with a planted one: a parking complaint that grows over three
cycles and that no theme covers is found, labelled, trending up and quoted only from large teams; a
coffee-machine cluster from four people is not shown; the CLI prints it as JSON. The report is kept
per data version and audience, yet every read is authorised and audited and releases its own quotes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from computations import counting_computations
from sqlalchemy import select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.listening.ingest import ingest_comments
from peoplealign.listening.scorer import CommentScorer
from peoplealign.listening.topics import TopicReport, emerging_topics
from peoplealign.policy.actor import Actor
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, Comment, OrgUnit, Person, Survey

TEAMS = {"A": 14, "B": 12, "D": 11, "C": 4}  # team C is below k_comments: never quoted
BACKGROUND = (
    "My manager never listens to us.",
    "The pay is fair for the market.",
    "The workload is unsustainable.",
    "I get plenty of recognition for my work.",
    "Our tools are slow and outdated.",
)
PARKING = (
    "The new parking rules at the office are a mess.",
    "Parking at the office is impossible since the new rules.",
    "Finding a parking space near the office takes ages now.",
    "Nobody can find parking since the garage rules changed.",
)
SMALL_TEAM_PARKING = (
    "Parking near the office is hopeless since the new rules.",
    "The parking garage is always full since the new rules.",
)
COFFEE = (
    "The coffee machine on the third floor is broken again.",
    "The coffee machine keeps breaking down.",
    "The coffee machine is out of order again.",
)
# Who writes about parking in each cycle: (team, member) pairs; the topic grows 2 -> 5 -> 14 writers.
PARKING_WRITERS = {
    1: [("A", 0), ("B", 0)],
    2: [("A", 0), ("B", 0), ("D", 0), ("A", 1), ("B", 1)],
    3: [("A", i) for i in range(5)] + [("B", i) for i in range(4)] + [("D", i) for i in range(3)]
    + [("C", 0), ("C", 1)],
}  # fmt: skip
COFFEE_WRITERS = [("A", 10), ("B", 10), ("D", 10), ("C", 2)]
ANALYST = Actor("analyst@example.org", frozenset({"analyst"}))


def _build(url: str) -> None:
    with session_scope(url) as session:
        department = OrgUnit(code="OPS", name="Operations", kind="department")
        session.add(department)
        session.flush()
        people: dict[tuple[str, int], Person] = {}
        for code, size in TEAMS.items():
            team = OrgUnit(code=code, name=f"Team {code}", kind="team", parent_id=department.id)
            session.add(team)
            session.flush()
            for i in range(size):
                people[(code, i)] = Person(
                    hris_id=f"{code}{i}",
                    name=f"{code} {i}",
                    org_unit_id=team.id,
                    hire_date=dt.date(2020, 1, 1),
                )
        session.add_all(people.values())
        session.flush()
        for cycle in (1, 2, 3):
            opened = dt.date(2025, 3 + 6 * (cycle - 1), 2) if cycle < 3 else dt.date(2026, 3, 2)
            survey = Survey(
                code=f"pulse-{cycle}", name=f"Pulse {cycle}", kind="engagement", cycle=cycle, opened_on=opened
            )
            session.add(survey)
            session.flush()
            for n, ((code, i), person) in enumerate(people.items()):
                sentences = [BACKGROUND[(n + cycle) % len(BACKGROUND)]]
                if (code, i) in PARKING_WRITERS[cycle]:
                    pool = SMALL_TEAM_PARKING if code == "C" else PARKING
                    sentences.append(pool[(n + cycle) % len(pool)])
                if (code, i) in COFFEE_WRITERS:
                    sentences.append(COFFEE[cycle - 1])
                session.add(
                    Comment(
                        external_id=f"{cycle}-{code}{i}",
                        source="survey",
                        survey_id=survey.id,
                        person_id=person.id,
                        org_unit_id=person.org_unit_id,
                        created_on=opened + dt.timedelta(days=3),
                        text_redacted=" ".join(sentences),
                    )
                )
        ingest_comments(session, CommentScorer())


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from peoplealign.store.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('topics') / 'topics.db'}"
    upgrade(url)
    _build(url)
    yield url


def _report(url: str, by: list[str] | None = None) -> TopicReport:
    with session_scope(url) as session:
        return emerging_topics(PersonalData(session, ANALYST, "listening"), CommentScorer(), None, by or [])


def test_the_planted_topic_is_found_labelled_and_rising(planted: str) -> None:
    report = _report(planted)
    assert report.k == 10 and report.cycles == ["pulse-1", "pulse-2", "pulse-3"]
    assert len(report.topics) == 1, [t.label for t in report.topics]
    topic = report.topics[0]
    assert "parking" in topic.key_phrases and "coffee" not in topic.label
    assert topic.writers >= 14 and topic.sentiment < 0 and topic.cohesion >= 0.55
    shares = [p.share for p in topic.trend]
    assert all(s is not None for s in shares) and shares[0] < shares[1] < shares[2]  # type: ignore[operator]
    assert topic.slope is not None and topic.slope > 0
    assert report.hidden_topics >= 1, "the coffee cluster (4 writers) is counted but not shown"
    assert report.model == CommentScorer().model.version


def test_quotes_come_only_from_large_teams_and_are_audited(planted: str) -> None:
    topic = _report(planted).topics[0]
    assert topic.quotes.texts and len(topic.quotes.texts) <= 3
    assert not set(topic.quotes.texts) & {s.rstrip(".") for s in SMALL_TEAM_PARKING}
    assert all(any(q in s for s in PARKING) for q in topic.quotes.texts)
    with session_scope(planted) as session:
        quoted = [
            i
            for e in session.scalars(select(AuditEvent).where(AuditEvent.resource == "comments"))
            for i in e.detail.get("quotes", [])
        ]
        teams = set(
            session.scalars(
                select(OrgUnit.code)
                .join(Comment, Comment.org_unit_id == OrgUnit.id)
                .where(Comment.id.in_(quoted))
            )
        )
    assert quoted and "C" not in teams


def test_breakdown_hides_small_groups(planted: str) -> None:
    topic = _report(planted, ["org_unit"]).topics[0]
    cells = {c.group["org_unit"]: c for c in topic.cells}
    assert cells["Team C"].suppressed and cells["Team C"].share is None
    assert not cells["Team A"].suppressed and cells["Team A"].share is not None
    for cell in topic.cells:
        assert cell.sentiment is None, "no team has k_comments writers on the topic"


def test_topics_are_refused_to_an_employee(planted: str) -> None:
    with session_scope(planted) as session:
        employee = Actor("emp@example.org", frozenset({"employee"}))
        with pytest.raises(PolicyDenied):
            emerging_topics(PersonalData(session, employee, "listening"), CommentScorer())


def test_listen_report_topics_json(planted: str) -> None:
    with session_scope(planted) as session:
        from peoplealign.accounts.users import add_user

        add_user(session, "exec@example.org", "a long enough password", "executive")
        assert session.scalar(select(Survey.code).where(Survey.cycle == 3)) == "pulse-3"
    runner = CliRunner()
    args = ["listen", "report", "topics", "--as", "exec@example.org", "--db", planted]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["survey"] == "pulse-3" and body["k"] == 10 and body["method"]
    [topic] = body["topics"]
    assert {"label", "key_phrases", "writers", "sentiment", "slope", "trend", "quotes"} <= set(topic)
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "parking" in result.stdout


# --- the topic report kept per data version and audience ------------------------------------------


@pytest.fixture
def planted_copy(planted: str, tmp_path: Path) -> str:
    """A private copy of the planted organisation, for tests that write to it."""
    copy = tmp_path / "topics.db"
    shutil.copyfile(planted.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def _comment_events(url: str, actor: Actor) -> list[AuditEvent]:
    with session_scope(url) as session:
        query = select(AuditEvent).where(AuditEvent.resource == "comments", AuditEvent.actor == actor.email)
        return list(session.scalars(query))


def test_a_cached_report_is_still_an_authorised_audited_read(
    planted_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = counting_computations(monkeypatch, "emerging_topics")
    before = len(_comment_events(planted_copy, ANALYST))
    first = _report(planted_copy)
    after_first = _comment_events(planted_copy, ANALYST)
    assert len(computed) == 1
    second = _report(planted_copy)
    after_second = _comment_events(planted_copy, ANALYST)
    assert len(computed) == 1, "the second read finds the report"
    assert second.as_dict() == first.as_dict()
    new = after_second[len(after_first) :]
    assert len(new) == len(after_first) - before > 0, "the cached read is audited as the first was"
    assert [i for e in new for i in e.detail.get("quotes", [])], "its quotes are audited again"
    with session_scope(planted_copy) as session:
        employee = Actor("emp@example.org", frozenset({"employee"}))
        with pytest.raises(PolicyDenied):
            emerging_topics(PersonalData(session, employee, "listening"), CommentScorer())


def test_a_manager_never_gets_the_analysts_cached_topics_or_quotes(
    planted_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(planted_copy) as session:
        team = session.scalars(
            select(Person).join(OrgUnit, OrgUnit.id == Person.org_unit_id).where(OrgUnit.code == "A")
        ).all()
        lead = team[-1]
        for person in team[:-1]:
            person.manager_id = lead.id
        line = {p.id for p in team}
    manager = Actor("lead@example.org", frozenset({"manager"}), person_id=lead.id)
    computed = counting_computations(monkeypatch, "emerging_topics")
    analysts = _report(planted_copy)
    assert analysts.topics and analysts.topics[0].quotes.texts
    with session_scope(planted_copy) as session:
        managers = emerging_topics(PersonalData(session, manager, "listening"), CommentScorer())
        own = set(session.scalars(select(Comment.text_redacted).where(Comment.person_id.in_(line))))
    assert len(computed) == 2, "the manager's line is an audience of its own"
    assert not managers.topics, "fewer than k_comments of the line wrote about parking"
    assert all(any(q in text for text in own) for t in managers.topics for q in t.quotes.texts)
    quoted = [i for e in _comment_events(planted_copy, manager) for i in e.detail.get("quotes", [])]
    with session_scope(planted_copy) as session:
        writers = set(session.scalars(select(Comment.person_id).where(Comment.id.in_(quoted))))
    assert writers <= line


def test_new_comments_recompute_the_report(planted_copy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _report(planted_copy)
    computed = counting_computations(monkeypatch, "emerging_topics")
    with session_scope(planted_copy) as session:
        survey = session.scalars(select(Survey).where(Survey.code == "pulse-3")).one()
        writer = session.scalars(select(Person).where(Person.hris_id == "A12")).one()
        session.add(
            Comment(
                external_id="late-A12",
                source="survey",
                survey_id=survey.id,
                person_id=writer.id,
                org_unit_id=writer.org_unit_id,
                created_on=dt.date(2026, 3, 9),
                text_redacted="Parking at the office is impossible since the new rules.",
            )
        )
    after = _report(planted_copy)
    assert len(computed) == 1, "the new comment is read"
    assert after.unthemed_clauses == before.unthemed_clauses + 1
