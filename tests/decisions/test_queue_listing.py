"""The queue's visibility is judged once per data version and audience, its state is read on every
call: a cached judgement never reaches another audience, an action shows at once, and every listing is
audited. The audit says what was disclosed: a listing (the home card's count, the page's paging) is
an aggregate read naming no one; the recommendations loaded in full (a page's rows, the API's whole
queue) name exactly their people, so only they find the read in their access log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from decisions_helpers import EMAILS, Org, sign_in
from fastapi.testclient import TestClient
from jinja2 import Environment
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.decisions.queue import act, queue_items, queue_listing, recommendation_queue
from peoplealign.policy import recommendation_access
from peoplealign.policy.access_log import access_log
from peoplealign.policy.actor import Actor
from peoplealign.policy.data_version import versions
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, AuditEventSubject, Recommendation
from peoplealign.web.app import create_app
from peoplealign.web.routers.decisions import QUEUE_PAGE_SIZE, _evidence_rows


@pytest.fixture
def judgements(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many recommendations each (uncached) judgement looked at."""
    calls: list[int] = []
    judge = recommendation_access.RecommendationAccess._judge

    def counted(self: recommendation_access.RecommendationAccess, abouts: Sequence[Any]) -> Any:
        calls.append(len(abouts))
        return judge(self, abouts)

    monkeypatch.setattr(recommendation_access.RecommendationAccess, "_judge", counted)
    return calls


def _kinds(org: Org, who: str) -> set[str]:
    with session_scope(org.url) as session:
        return {i.kind for i in queue_listing(session, org.charter(), org.actors[who])}


def test_a_cached_judgement_never_reaches_another_audience(org: Org, judgements: list[int]) -> None:
    """On every backend, in an order where each audience follows another's cached answer: the two
    managers hold the same roles and differ only in whose reporting line it is."""
    expected = {
        "hr": {"stay_interview", "rebalance", "coaching"},
        "manager": {"rebalance"},
        "apps_lead": {"coaching"},
        "employee": set(),
        "hr2": {"stay_interview", "rebalance", "coaching"},
    }
    for who in ("hr", "manager", "apps_lead", "employee", "hr2", "manager", "hr"):
        assert _kinds(org, who) == expected[who], who
    judged = len(judgements)
    for who in ("hr", "manager", "apps_lead"):
        assert _kinds(org, who) == expected[who], who
    assert len(judgements) == judged, "a repeated listing is judged again instead of cached"


def _freeze_versions(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Cached aggregates are kept as if no data changed: the versions stay those of now."""
    with session_scope(url) as session:
        frozen = versions(session)
    monkeypatch.setattr("peoplealign.policy.data_version.versions", lambda _: frozen)


def test_an_action_shows_at_once_and_every_listing_is_audited(
    sqlite_org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statuses are read on every listing: an action shows although the kept judgement stays."""
    org = sqlite_org
    _freeze_versions(monkeypatch, org.url)
    hr = org.actors["hr"]
    today = dt.date(2026, 11, 22)

    def status(session: Session, include_closed: bool = False) -> str | None:
        listed = queue_listing(session, org.charter(), hr, include_closed=include_closed, today=today)
        return next((i.status for i in listed if i.id == org.stay_interview_id), None)

    with session_scope(org.url) as session:
        assert status(session) == "open"
        act(session, org.charter(), hr, org.stay_interview_id, "accept")
        assert status(session) == "accepted"
        later = today + dt.timedelta(days=7)
        act(session, org.charter(), hr, org.stay_interview_id, "snooze", until=later, today=today)
        assert status(session) is None
        act(session, org.charter(), hr, org.stay_interview_id, "dismiss", reason="Talked this week.")
        assert status(session) is None and status(session, include_closed=True) == "dismissed"
    with session_scope(org.url) as session:
        assert status(session, include_closed=True) == "dismissed"
        listings = [
            (e.action, e.subject, e.detail)
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.actor == EMAILS["hr"], AuditEvent.resource == "predictions")
                .where(AuditEvent.outcome == "allowed", AuditEvent.action.like("read_%"))
                .order_by(AuditEvent.id)
            )
        ]
    # Every listing that counted the stay interview: not while snoozed (the date hides it, so it is not
    # counted either), nor among active recommendations once dismissed. None names the person.
    counted = ("read_aggregate", None, {"listed": 1, "kinds": {"stay_interview": 1}})
    opened = [listing for listing in listings if listing[2].get("recommendation") == org.stay_interview_id]
    assert [listing for listing in listings if listing not in opened] == [counted] * 4
    assert len(opened) == 3, "each action reads the recommendation it acts on (unchanged)"


def test_a_recommendation_the_cached_judgement_has_not_seen_is_judged(
    sqlite_org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were a recommendation to appear without the data version moving, it is judged on the spot
    rather than shown or hidden by a judgement that never saw it."""
    org = sqlite_org
    _freeze_versions(monkeypatch, org.url)
    assert _kinds(org, "hr") == {"stay_interview", "rebalance", "coaching"}
    assert _kinds(org, "manager") == {"rebalance"}
    with session_scope(org.url) as session:
        new = Recommendation(
            kind="stay_interview",
            subject_person_id=org.person["P2"],
            title="Offer a stay interview",
            explanation="Estimated chance of leaving within a year rose to 40%.",
            evidence={"risk": 0.4},
            model_version="fr-test-1",
        )
        session.add(new)
        session.flush()
        new_id = new.id
    with session_scope(org.url) as session:
        hr_items = recommendation_queue(session, org.charter(), org.actors["hr"])
        assert next(i for i in hr_items if i.id == new_id).subject_hris_id == "P2"
        manager = queue_listing(session, org.charter(), org.actors["manager"])
        assert new_id not in {i.id for i in manager}


def test_items_are_only_those_the_actor_may_see(sqlite_org: Org) -> None:
    """Full recommendations are loaded for the entries asked for, and only those the actor may see,
    whoever listed the entries."""
    org = sqlite_org
    with session_scope(org.url) as session:
        listed = queue_listing(session, org.charter(), org.actors["hr"])
        (first,) = queue_items(session, org.charter(), org.actors["hr"], listed[:1])
        assert first.id == listed[0].id and first.explanation
        shown = queue_items(session, org.charter(), org.actors["manager"], listed)
        assert [i.id for i in shown] == [org.rebalance_id]


def test_evidence_is_formatted_once_as_the_template_did() -> None:
    """As `tojson` did in the template: sorted keys, safe inside HTML; scalars as text."""
    evidence = {"top_factors": ["<b>"], "risk": 0.42, "period": {"to": "2026", "from": "2025"}, "n": None}
    template = Environment(autoescape=True).from_string(
        "{% for key, value in evidence.items() %}{{ key | replace('_', ' ') }}={% if value is mapping or "
        "(value is iterable and value is not string) %}{{ value | tojson }}{% else %}{{ value }}{% endif %};"
        "{% endfor %}"
    )
    shown = Environment(autoescape=True).from_string(
        "{% for label, text, structured in rows %}{{ label }}={{ text }};{% endfor %}"
    )
    rows = _evidence_rows(evidence)
    assert [structured for _, _, structured in rows] == [True, False, True, False]
    assert shown.render(rows=rows) == template.render(evidence=evidence)


def _stay_interviews(org: Org, hris_id: str, count: int) -> list[int]:
    """`count` stay interviews about one person, newer than every other recommendation, newest first."""
    now = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    with session_scope(org.url) as session:
        rows = [
            Recommendation(
                kind="stay_interview",
                subject_person_id=org.person[hris_id],
                title=f"Offer stay interview {n}",
                explanation="Estimated chance of leaving within a year rose.",
                evidence={},
                model_version="fr-test-1",
                created_at=now + dt.timedelta(minutes=n),
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in reversed(rows)]


def _queue_reads_seen_by(org: Org, hris_id: str) -> int:
    """How many of the HR partner's reads of stay interviews the person finds in their access log."""
    person = Actor(f"{hris_id.lower()}@example.org", frozenset({"employee"}), person_id=org.person[hris_id])
    with session_scope(org.url) as session:
        log, _ = access_log(session, org.charter(), person)
    return sum(1 for e in log if e.actor == EMAILS["hr"] and e.data == "predictions")


def _hr_prediction_reads(org: Org, action: str) -> list[dict[str, Any]]:
    """The details of the HR partner's audited reads of predictions with this action, oldest first."""
    with session_scope(org.url) as session:
        return list(
            session.scalars(
                select(AuditEvent.detail)
                .where(
                    AuditEvent.actor == EMAILS["hr"],
                    AuditEvent.resource == "predictions",
                    AuditEvent.action == action,
                )
                .order_by(AuditEvent.id)
            )
        )


def _indexed_subjects(org: Org) -> int:
    with session_scope(org.url) as session:
        return int(session.scalar(select(func.count()).select_from(AuditEventSubject)) or 0)


@pytest.fixture
def hr_client(org: Org) -> Iterator[TestClient]:
    """The HR partner signed in, on every backend."""
    with TestClient(create_app(org.url), base_url="https://testserver") as client:
        sign_in(client, "hr")
        yield client


def test_the_home_card_counts_without_naming_anyone(org: Org, hr_client: TestClient) -> None:
    before = _indexed_subjects(org)
    home = hr_client.get("/")
    assert home.status_code == 200 and 'href="/decisions/queue"' in home.text
    assert _indexed_subjects(org) == before, "a count named people in the audit trail"
    assert _queue_reads_seen_by(org, "P1") == 0
    counted = _hr_prediction_reads(org, "read_aggregate")
    assert counted == [{"listed": 1, "kinds": {"stay_interview": 1}}]


def test_the_page_names_exactly_the_people_it_shows(org: Org, hr_client: TestClient) -> None:
    """Page 1 holds the newer stay interviews about P3 only; P1's is on page 2, and P1 finds the HR
    partner's read in their access log only once page 2 was viewed."""
    newer = _stay_interviews(org, "P3", QUEUE_PAGE_SIZE)
    first = hr_client.get("/decisions/queue")
    assert first.status_code == 200 and "(P3)" in first.text and "(P1)" not in first.text
    assert (_queue_reads_seen_by(org, "P3"), _queue_reads_seen_by(org, "P1")) == (1, 0)
    shown = _hr_prediction_reads(org, "read_individual")
    assert shown == [{"recommendations": newer, "subjects": ["P3"]}]
    second = hr_client.get("/decisions/queue?page=2")
    assert second.status_code == 200 and "(P1)" in second.text and "(P3)" not in second.text
    assert (_queue_reads_seen_by(org, "P3"), _queue_reads_seen_by(org, "P1")) == (1, 1)


def test_the_api_reads_the_whole_queue_and_names_everyone_in_it(org: Org, hr_client: TestClient) -> None:
    newer = _stay_interviews(org, "P3", 3)
    listed = hr_client.get("/api/v1/recommendations").json()["recommendations"]
    assert {r["subject_hris_id"] for r in listed if r["kind"] == "stay_interview"} == {"P1", "P3"}
    assert (_queue_reads_seen_by(org, "P3"), _queue_reads_seen_by(org, "P1")) == (1, 1)
    shown = _hr_prediction_reads(org, "read_individual")
    assert shown == [{"recommendations": [*newer, org.stay_interview_id], "subjects": ["P1", "P3"]}]
