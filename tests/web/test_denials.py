"""A read the charter refuses is a clear 403 naming the rule (a page for people, JSON under /api)
and is in the audit trail as denied."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import USERS, sign_in

from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import apply, approve, default_yaml
from peoplealign.policy.retention import RetentionPermissionError
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent
from peoplealign.web.app import create_app

RULE = "data_sources.hris.aggregate_access"


def _employees_lose_headcounts(url: str) -> None:
    """A charter that keeps the home page open to employees but not the headcounts on it."""
    everyone = "aggregate_access: [employee, manager, hr_partner, analyst, executive, admin]"
    text = default_yaml().replace(everyone, "aggregate_access: [analyst, admin]", 1)  # the first is hris
    with session_scope(url) as s:
        version = apply(s, text, Actor.system("test")).version
        approve(s, version, Actor("ceo@example.org", frozenset({"executive"})), "tighter")


def test_a_denied_read_is_a_clear_page_and_json_and_is_audited(client: TestClient, org_url: str) -> None:
    _employees_lose_headcounts(org_url)
    sign_in(client, USERS["employee"][0])
    page = client.get("/")
    assert page.status_code == 403
    assert "Not allowed by the charter" in page.text
    assert "aggregates of Employee records are for admin, analyst" in page.text
    assert f"<code>{RULE}</code>" in page.text and "<code>org_reporting</code>" in page.text
    assert "recorded in the audit trail" in page.text
    assert 'class="user-menu"' in page.text  # still inside the layout, signed in
    api = client.get("/api/v1/organisation")
    assert api.status_code == 403
    body = api.json()
    assert body["rule"] == RULE and body["purpose"] == "org_reporting" and body["resource"] == "hris"
    assert body["detail"].startswith("denied: emp@example.org may not read aggregate of 'hris'")
    with session_scope(org_url) as s:
        denied = s.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [(e.actor, e.resource, e.purpose, e.detail["rule"]) for e in denied] == [
        ("emp@example.org", "hris", "org_reporting", RULE)
    ] * 2
    sign_in(client, USERS["analyst"][0])
    assert client.get("/").status_code == 200


def test_other_permission_errors_are_403_too(org_url: str) -> None:
    app = create_app(org_url)

    @app.get("/api/v1/forbidden-job")
    def forbidden() -> None:
        raise RetentionPermissionError("only an administrator may enforce retention")

    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/api/v1/forbidden-job")
    assert response.status_code == 403
    assert response.json() == {"detail": "only an administrator may enforce retention"}
