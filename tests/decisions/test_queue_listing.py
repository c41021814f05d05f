"""The queue's visibility is judged once per data version and audience, its state is read on every
call: a cached judgement never reaches another audience, an action shows at once, and every listing is
audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from decisions_helpers import EMAILS, Org
from jinja2 import Environment
from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.decisions.queue import act, queue_items, queue_listing, recommendation_queue
from peoplealign.policy import recommendation_access
from peoplealign.policy.data_version import versions
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, Recommendation
from peoplealign.web.routers.decisions import _evidence_rows


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
            e.detail["subjects"]
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.actor == EMAILS["hr"], AuditEvent.resource == "predictions")
                .where(AuditEvent.action == "read_individual", AuditEvent.outcome == "allowed")
            )
            if "recommendations" in e.detail
        ]
    # Every listing that read the stay interview (the snoozed one too, before the date hides it): all
    # but the one of active recommendations after the dismissal.
    assert listings == [["P1"]] * 5


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
