"""The decisions pages and their API twins: same refusals as the CLI, pages gated by the charter's
views, forms that work end to end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from decisions_helpers import EMAILS, Org, sign_in
from fastapi.testclient import TestClient

from peoplealign.policy.gateway import PersonalData
from peoplealign.store.engine import session_scope
from peoplealign.web.app import create_app
from peoplealign.web.paging import PAGE_SIZE


@pytest.fixture
def client(sqlite_org: Org) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_org.url), base_url="https://testserver") as test_client:
        yield test_client


def test_api_refuses_termination_without_rationale_reviewer_or_own_name(client: TestClient) -> None:
    token = sign_in(client, "hr")
    headers = {"X-CSRF-Token": token}
    body = {"type": "termination", "subject": "P1", "decided_by": EMAILS["hr"], "rationale": "Misconduct."}
    refused = client.post("/api/v1/decisions", json=body, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["rule"] == "decisions_requiring_human.termination.second_reviewer"
    for changes, words in (
        ({"decided_by": None}, "named human"),
        ({"rationale": ""}, "rationale"),
        ({"decided_by": EMAILS["hr2"]}, "only decisions they make themselves"),
    ):
        response = client.post(
            "/api/v1/decisions", json={**body, "second_reviewer": EMAILS["hr2"], **changes}, headers=headers
        )
        assert response.status_code == 403 and words in response.json()["detail"], response.json()
    flight = client.post(
        "/api/v1/decisions",
        json={**body, "type": "promotion", "considered": ["prediction:1"]},
        headers=headers,
    )
    assert flight.status_code == 403 and "flight_risk" in flight.json()["detail"]
    recorded = client.post(
        "/api/v1/decisions", json={**body, "second_reviewer": EMAILS["hr2"]}, headers=headers
    )
    assert recorded.status_code == 201, recorded.json()
    assert client.get("/api/v1/decisions").json()["decisions"][0]["id"] == recorded.json()["id"]


def test_pages_follow_the_charter_views(client: TestClient) -> None:
    sign_in(client, "employee")
    for path in ("/town-hall", "/my-data", "/check-ins", "/api/v1/my-data", "/api/v1/town-hall"):
        assert client.get(path).status_code == 200, path
    for path in ("/decisions/queue", "/decisions", "/people/corrections", "/api/v1/recommendations"):
        assert client.get(path).status_code == 403, path
    nav = client.get("/my-data").text
    assert 'href="/town-hall"' in nav and 'href="/decisions"' not in nav
    export = client.get("/my-data/export")
    assert "attachment" in export.headers["content-disposition"]
    assert export.json()["profile"]["hris_id"] == "P1"


def test_hr_works_the_queue_through_the_page(client: TestClient, sqlite_org: Org) -> None:
    token = sign_in(client, "hr")
    page = client.get("/decisions/queue").text
    assert "Offer a stay interview" in page and "fr-test-1" in page
    for data in (
        {"action": "accept"},
        {"action": "outcome", "outcome": "Stay interview held; agreed a mentoring plan."},
    ):
        response = client.post(
            f"/decisions/queue/{sqlite_org.stay_interview_id}",
            data={**data, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
    item = client.get(f"/api/v1/recommendations/{sqlite_org.stay_interview_id}").json()
    assert item["status"] == "done" and item["outcome"] == "Stay interview held; agreed a mentoring plan."
    bad = client.post(
        f"/decisions/queue/{sqlite_org.rebalance_id}",
        data={"action": "dismiss", "reason": "", "csrf_token": token},
    )
    assert bad.status_code == 400


def test_manager_records_a_check_in_the_employee_shares(client: TestClient) -> None:
    token = sign_in(client, "manager")
    assert "Record a check-in" in client.get("/check-ins").text
    response = client.post(
        "/check-ins",
        data={
            "employee": "P1",
            "held_on": "2026-11-19",
            "notes": "Talked about growth.",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    check_in = client.get("/api/v1/check-ins").json()["check_ins"][0]
    client.post("/logout", data={"csrf_token": token})
    token = sign_in(client, "hr")
    assert client.get(f"/api/v1/check-ins/{check_in['id']}").status_code == 403
    client.post("/logout", data={"csrf_token": token})
    token = sign_in(client, "employee")
    client.post(f"/check-ins/{check_in['id']}/share", data={"shared": "yes", "csrf_token": token})
    assert client.get(f"/api/v1/check-ins/{check_in['id']}").json()["shared"] is True


def test_the_access_log_is_shown_a_page_at_a_time_and_exported_whole(
    client: TestClient, sqlite_org: Org
) -> None:
    charter = sqlite_org.charter()
    with session_scope(sqlite_org.url) as session:
        hr = PersonalData(session, sqlite_org.actors["hr"], "administration", charter)
        for _ in range(PAGE_SIZE + 3):
            hr.person(sqlite_org.person["P1"])
    sign_in(client, "employee")
    first = client.get("/my-data").text
    assert first.count(f"<td>{EMAILS['hr']}</td>") == PAGE_SIZE
    assert f"1–{PAGE_SIZE} of {PAGE_SIZE + 3} entries" in first
    second = client.get("/my-data?page=2").text
    assert second.count(f"<td>{EMAILS['hr']}</td>") == 3
    export = client.get("/my-data/export").json()
    assert sum(e["actor"] == EMAILS["hr"] for e in export["access_log"]) == PAGE_SIZE + 3
    assert export["access_log_total"] == len(export["access_log"])
