"""Administrators read the audit trail with filters and the chain's verification; the reading is
itself recorded, and other roles are refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from web_helpers import USERS, form_token, sign_in

from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.audit_review import brief_detail, review_audit_log
from peoplealign.policy.charter import load_default
from peoplealign.policy.engine import PolicyDenied
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent

ADMIN = USERS["admin"][0]


def _seed(url: str) -> None:
    with session_scope(url) as s:
        audit.record(s, "hr@example.org", "read_individual", "hris", subject="PLAT3", purpose="development")
        audit.record(s, "ana@example.org", "read_aggregate", "survey", purpose="survey_reporting")


def test_admin_sees_events_filters_and_an_intact_chain(client: TestClient, org_url: str) -> None:
    _seed(org_url)
    sign_in(client, ADMIN)
    page = client.get("/audit").text
    assert re.search(
        r"Chain intact: fully verified at [0-9: -]+ UTC \(2 events\); 0 newer events chain on", page
    )
    assert "hr@example.org" in page and "ana@example.org" in page and "PLAT3" in page
    by_subject = client.get("/audit", params={"subject": "PLAT3", "actor": ""}).text
    assert "hr@example.org" in by_subject and "ana@example.org" not in by_subject
    by_actor = client.get("/api/v1/audit-events", params={"actor": "ana@example.org"}).json()
    assert [e["actor"] for e in by_actor["events"]] == ["ana@example.org"]
    assert by_actor["verification"]["ok"] is True
    with session_scope(org_url) as s:
        reads = s.scalars(select(AuditEvent).where(AuditEvent.action == "audit.read")).all()
    assert [(e.actor, e.detail["subject"], e.detail["actor"]) for e in reads] == [
        (ADMIN, None, None),
        (ADMIN, "PLAT3", None),
        (ADMIN, None, "ana@example.org"),
    ]
    assert client.get("/api/v1/audit-events").json()["events"][0]["action"] == "audit.read"


def test_a_broken_chain_is_shown(client: TestClient, org_url: str) -> None:
    _seed(org_url)
    with session_scope(org_url) as s:
        s.execute(update(AuditEvent).where(AuditEvent.subject == "PLAT3").values(purpose="curiosity"))
    sign_in(client, ADMIN)
    page = client.get("/audit").text
    assert "Chain broken at event 1: its content does not match its hash" in page


def test_a_newer_event_broken_after_the_last_full_verification_is_shown(
    client: TestClient, org_url: str
) -> None:
    _seed(org_url)
    with session_scope(org_url) as s:
        audit.verify_fully(s)
    _seed(org_url)
    with session_scope(org_url) as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == 4).values(purpose="curiosity"))
    sign_in(client, ADMIN)
    page = client.get("/audit").text
    assert "Chain broken at event 4: its content does not match its hash" in page
    assert "Found checking the events after the full verification at" in page


def test_other_roles_are_refused(client: TestClient) -> None:
    sign_in(client, USERS["analyst"][0])
    assert client.get("/audit").status_code == 403
    assert client.get("/api/v1/audit-events").status_code == 403


def test_the_policy_layer_refuses_and_audits_a_reader_without_the_audit_view(db_url: str) -> None:
    analyst = Actor("ana@example.org", frozenset({"analyst"}))
    with pytest.raises(PolicyDenied, match=r"audiences\.\*\.views"), session_scope(db_url) as s:
        review_audit_log(s, load_default(), analyst)
    with session_scope(db_url) as s:
        review = review_audit_log(s, load_default(), Actor.system("check"), limit=5)
        assert [(e.actor, e.outcome) for e in review.events] == [("ana@example.org", "denied")]
        assert review.verification.ok


def test_the_trail_is_paged_fifty_events_at_a_time_with_the_total(client: TestClient, org_url: str) -> None:
    with session_scope(org_url) as s:
        for i in range(120):
            audit.record(
                s, "hr@example.org", "read_individual", "hris", subject=f"P{i}", purpose="development"
            )
    sign_in(client, ADMIN)
    first = client.get("/audit", params={"subject": ""}).text
    assert "1–50 of 120 events (page 1 of 3)" in first
    assert ">P119<" in first and ">P70<" in first and ">P69<" not in first
    assert 'href="/audit?subject=&amp;page=2" rel="next"' in first and 'rel="prev"' not in first
    last = client.get("/audit", params={"page": 3}).text
    assert "101–121 of 121 events (page 3 of 3)" in last  # reading the first page is an event too
    assert 'href="/audit?page=2" rel="prev"' in last and 'rel="next"' not in last
    assert ">P0<" in last


def test_the_page_says_when_the_chain_was_last_fully_verified_and_verifies_it_again_on_request(
    client: TestClient, org_url: str
) -> None:
    _seed(org_url)
    with session_scope(org_url) as s:
        earlier = audit.verify_fully(s).verified_at
    _seed(org_url)
    sign_in(client, ADMIN)
    page = client.get("/audit").text
    assert f"fully verified at {earlier:%Y-%m-%d %H:%M} UTC (2 events); 2 newer events chain on" in page
    assert "(2 checked now)" in page
    api = client.get("/api/v1/audit-events").json()["verification"]
    assert api["ok"] and api["fully_verified_events"] == 2 and api["checked_now"] == 1  # the page view
    verified = client.post("/audit/verify", data={"csrf_token": form_token(page)}, follow_redirects=False)
    assert verified.status_code == 303 and verified.headers["location"] == "/audit#chain-status"
    with session_scope(org_url) as s:
        latest = audit.last_full_verification(s)
        verifications = s.scalars(select(AuditEvent).where(AuditEvent.action == "audit.verify")).all()
    assert latest is not None and latest.verified_at > earlier and latest.result.events_checked == 6
    assert [(e.actor, e.detail["chain_ok"]) for e in verifications] == [(ADMIN, True)]
    assert "(6 events); 1 newer event chains on" in client.get("/audit").text


def test_other_roles_cannot_start_a_verification(client: TestClient) -> None:
    sign_in(client, USERS["analyst"][0])
    token = form_token(client.get("/my-data").text)
    assert client.post("/audit/verify", data={"csrf_token": token}).status_code == 403


def test_long_lists_in_an_event_detail_are_cut_on_the_page_only(client: TestClient, org_url: str) -> None:
    subjects = [f"LISTED-{i:02d}" for i in range(12)]
    assert brief_detail({"subjects": subjects, "records": 12}) == {
        "subjects": [*subjects[:10], "(and 2 more)"],
        "records": 12,
    }
    with session_scope(org_url) as s:
        audit.record(s, "hr@example.org", "read_individual", "hris", detail={"subjects": subjects})
    sign_in(client, ADMIN)
    page = client.get("/audit").text
    assert "LISTED-09" in page and "LISTED-10" not in page and "(and 2 more)" in page
    assert client.get("/api/v1/audit-events").json()["events"][1]["detail"]["subjects"] == subjects
