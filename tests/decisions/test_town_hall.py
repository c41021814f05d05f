"""The town hall shows every employee the executives' numbers with the same suppression, and its
anonymous stories and questions are redacted, unattributed and held back until k different people
wrote on the chart."""

from __future__ import annotations

import datetime as dt

import pytest
from decisions_helpers import EMAILS, Org, small_cycle, writers
from sqlalchemy import event, func, select

from peoplealign.decisions.town_hall import answer_post, chart_posts, submit_post, town_hall
from peoplealign.errors import InvalidInputError, PermissionDeniedError
from peoplealign.listening.survey_analytics import favourability
from peoplealign.listening.theme_report import cycles_up_to
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import active_charter
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.pseudonyms import writer_key
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, TownHallPost, User

DEMO = "demo.peoplealign.example"


def _numbers(dashboard: object) -> dict[str, list[tuple[str, float | None, bool]]]:
    return {
        c.spec.key: [(p.label, p.value, p.suppressed) for p in c.points]
        for c in dashboard.charts  # type: ignore[attr-defined]
        if not c.unavailable
    }


def test_everyone_sees_the_executive_numbers(demo_url: str) -> None:
    today = dt.date(2026, 11, 16)
    with session_scope(demo_url) as session:
        charter = active_charter(session)
        actors = {
            role: Actor.from_user(session.scalars(select(User).where(User.email == f"{role}@{DEMO}")).one())
            for role in ("employee", "manager", "executive")
        }
        seen = {role: _numbers(town_hall(session, charter, actor, today)) for role, actor in actors.items()}
        executive = actors["executive"]
        surveys = PersonalData(session, executive, "survey_reporting", charter)
        org = PersonalData(session, executive, "org_reporting", charter)
        latest = surveys.survey()
        own = {
            "headcount": sorted(
                (str(c.group["department"]), c.value, c.suppressed)
                for c in org.headcount(["department"], as_of=today).cells
            ),
            "engagement": [
                (s.name, surveys.survey_cells("engagement", (), s.id).cells[0].value, False)
                for s in cycles_up_to(surveys, latest)
            ],
            "drivers": [
                (d, r.cells[0].value, r.cells[0].suppressed) for d, r in favourability(surveys).items()
            ],
        }
    assert seen["manager"] == seen["executive"], "a manager's own scope is their team; the town hall is not"
    assert seen["employee"] == seen["executive"], "the town hall shows everyone the executives' numbers"
    assert "themes" in seen["employee"]
    for key, figures in own.items():
        assert seen["employee"][key] == figures, key
    assert len(seen["employee"]["engagement"]) == 3 and len(seen["employee"]["headcount"]) > 3


def test_same_suppression_for_everyone(sqlite_org: Org) -> None:
    org = sqlite_org
    small_cycle(org)
    with session_scope(org.url) as session:
        charter = org.charter()
        views = {who: town_hall(session, charter, org.actors[who]) for who in ("employee", "executive")}
    for dashboard in views.values():
        engagement = next(c for c in dashboard.charts if c.spec.key == "engagement")
        assert [(p.value, p.suppressed) for p in engagement.points] == [(None, True)]
        assert "fewer than 5" in (engagement.points[0].reason or "")
    assert _numbers(views["employee"]) == _numbers(views["executive"])


def test_posts_are_redacted_anonymous_and_wait_for_k(sqlite_org: Org) -> None:
    org = sqlite_org
    charter = org.charter()
    with session_scope(org.url) as session:
        first = submit_post(
            session,
            charter,
            org.actors["employee"],
            "enps",
            "story",
            "Maria Lopez and I (maria.lopez@example.org, +44 20 7946 0958) stayed late all month.",
        )
        assert first.count == 1 and first.published == []
        with pytest.raises(InvalidInputError):
            answer_post(session, charter, org.actors["executive"], 1, "Thanks")
        for i in range(charter.k_comments - 1):
            submit_post(
                session, charter, org.actors["colleague"], "enps", "question", f"Question number {i}?"
            )
        held = chart_posts(session, charter)["enps"]
        assert (held.count, held.writers, held.published) == (charter.k_comments, 2, []), "one writer, once"
        for writer in writers(org, charter.k_comments - 2):
            submit_post(session, charter, writer, "enps", "story", "Same here.")
    with session_scope(org.url) as session:
        stored = session.scalars(select(TownHallPost).order_by(TownHallPost.id)).first()
        assert stored is not None
        for identifier in ("Maria", "Lopez", "maria.lopez@", "7946"):
            assert identifier not in stored.text_redacted
        assert stored.created_at.time() == dt.time(0, 0), "kept to the day, not the second"
        authored = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == EMAILS["employee"])
        )
        assert authored == 0, "nothing links the post to its writer"
        published = chart_posts(session, charter)["enps"].published
        assert len(published) == 2 * charter.k_comments - 2
        keys = session.scalars(select(TownHallPost.writer_key)).all()
        assert len(set(keys)) == charter.k_comments and all(len(k or "") == 64 for k in keys)
        with pytest.raises(PermissionDeniedError):
            answer_post(session, charter, org.actors["employee"], published[0].id, "I answer myself")
        answered = answer_post(
            session, charter, org.actors["executive"], published[0].id, "We are hiring two SREs."
        )
        assert answered.answer == "We are hiring two SREs."
    with pytest.raises(InvalidInputError, match="unknown chart"), session_scope(org.url) as session:
        submit_post(session, charter, org.actors["employee"], "salaries", "story", "x")


def test_writer_pseudonyms_are_stable_per_chart_and_unlinkable_across_charts(sqlite_org: Org) -> None:
    org = sqlite_org
    employee = org.actors["employee"]
    second_login = Actor("p1.other@example.org", frozenset({"employee"}), person_id=employee.person_id)
    with session_scope(org.url) as session:
        enps = writer_key(session, employee, "enps")
        assert writer_key(session, employee, "enps") == enps
        assert writer_key(session, second_login, "enps") == enps, "one person, two logins: one writer"
        assert writer_key(session, employee, "drivers") != enps
        assert writer_key(session, org.actors["colleague"], "enps") != enps
        with pytest.raises(PermissionDeniedError):
            writer_key(session, Actor.system("import"), "enps")
    with session_scope(org.url) as session:
        assert writer_key(session, employee, "enps") == enps, "the key is kept by the installation"


def test_each_survey_is_looked_up_once_per_reader_and_every_read_is_audited(demo_url: str) -> None:
    """The charts ask for the same cycles again and again; the reader keeps what it looked up, while
    each read is still authorised and audited on every visit."""
    today = dt.date(2026, 11, 16)
    with session_scope(demo_url) as session:
        charter = active_charter(session)
        executive = session.scalars(select(User).where(User.email == f"executive@{DEMO}")).one()
        actor = Actor.from_user(executive)
        statements: list[str] = []

        def record(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(session.get_bind(), "before_cursor_execute", record)
        audited = []
        for _ in range(2):
            statements.clear()
            before = session.scalar(select(func.count(AuditEvent.id)))
            dashboard = town_hall(session, charter, actor, today)
            session.flush()
            audited.append(session.scalar(select(func.count(AuditEvent.id))) - before)
            lookups = [s for s in statements if s.startswith("SELECT survey.id")]
            cycles = len(next(c for c in dashboard.charts if c.spec.key == "engagement").points)
            # The latest survey, then each cycle once by id and once as the one before another.
            assert len(lookups) <= 1 + 2 * cycles, lookups
        event.remove(session.get_bind(), "before_cursor_execute", record)
    assert audited[0] == audited[1] > 2 * cycles
