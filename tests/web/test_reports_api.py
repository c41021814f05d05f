"""`GET /api/v1/reports/survey` on the demo organisation: the same cells as the CLI, per user."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_helpers import sign_in

from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.policy.actor import Actor
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, User
from peoplealign.web.app import create_app

EXECUTIVE = "executive@demo.peoplealign.example"
EMPLOYEE = "employee@demo.peoplealign.example"


@pytest.fixture
def demo_client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url), base_url="https://testserver") as client:
        yield client


def test_the_api_returns_the_policy_layers_cells_for_the_signed_in_user(
    demo_client: TestClient, demo_url: str
) -> None:
    sign_in(demo_client, EXECUTIVE, DEMO_PASSWORD)
    response = demo_client.get(
        "/api/v1/reports/survey", params={"metric": "enps", "by": "department,location"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["k"] == 5
    assert body["cells"] and set(body["cells"][0]) == {"group", "n", "value", "suppressed", "reason"}
    assert any(c["suppressed"] for c in body["cells"]) and any(not c["suppressed"] for c in body["cells"])
    for cell in body["cells"]:
        assert set(cell["group"]) == {"department", "location"}
        assert (cell["n"] is None) == (cell["value"] is None) == cell["suppressed"]
    with session_scope(demo_url) as session:
        user = session.scalar(select(User).where(User.email == EXECUTIVE))
        assert user is not None
        direct = PersonalData(session, Actor.from_user(user), "survey_reporting").survey_cells(
            "enps", ["department", "location"]
        )
    assert direct.as_dict() == body


def test_an_employee_gets_a_clear_403_for_a_breakdown_and_it_is_audited(
    demo_client: TestClient, demo_url: str
) -> None:
    sign_in(demo_client, EMPLOYEE, DEMO_PASSWORD)
    total = demo_client.get("/api/v1/reports/survey")
    assert total.status_code == 200 and len(total.json()["cells"]) == 1
    refused = demo_client.get("/api/v1/reports/survey", params={"by": "org_unit"})
    assert refused.status_code == 403
    assert "organisation-wide totals only" in refused.json()["detail"]
    with session_scope(demo_url) as session:
        denied = session.scalar(
            select(func.count()).where(AuditEvent.outcome == "denied", AuditEvent.actor == EMPLOYEE)
        )
    assert denied == 1


def test_bad_input_and_anonymous_requests(demo_client: TestClient) -> None:
    assert demo_client.get("/api/v1/reports/survey").status_code == 401
    sign_in(demo_client, EXECUTIVE, DEMO_PASSWORD)
    unknown = demo_client.get("/api/v1/reports/survey", params={"by": "shoe_size"})
    assert unknown.status_code == 400 and "shoe_size" in unknown.json()["detail"]
    too_many = demo_client.get("/api/v1/reports/survey", params={"by": "level,location,department"})
    assert too_many.status_code == 400 and "at most 2" in too_many.json()["detail"]
