"""Every signed-in user can read the Data Ethics Statement of the charter in force, as a page and
through the API, and it follows a newly approved charter at once."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from web_helpers import USERS, sign_in

from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import apply, approve, default_yaml, load_default
from peoplealign.policy.statement import statement_context
from peoplealign.store.engine import session_scope


def test_every_role_can_open_the_statement_with_every_source_purpose_audience_and_period(
    client: TestClient,
) -> None:
    charter = load_default()
    context = statement_context(charter)
    for email, _roles, _person in USERS.values():
        sign_in(client, email)
        response = client.get("/ethics")
        assert response.status_code == 200, email
        page = html.unescape(response.text)
        assert "Data Ethics Statement" in page and "strict default People Alignment Charter" in page
        assert 'href="/ethics" aria-current="page"' in response.text
        for source in charter.sources:
            assert source.name in page
            assert all(f"<code>{p}</code>" in page for p in source.purposes)
        assert all(s["retention"] in page for s in context["sources"])
        assert all(f"<code>{a.role}</code>" in page for a in charter.audiences)


def test_the_api_gives_markdown_or_json(client: TestClient) -> None:
    assert client.get("/api/v1/ethics-statement").status_code == 401
    sign_in(client, USERS["employee"][0])
    markdown = client.get("/api/v1/ethics-statement", params={"format": "md"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Data Ethics Statement")
    data = client.get("/api/v1/ethics-statement").json()
    assert data["version"] == 0 and data["is_default"] is True
    assert [s["key"] for s in data["sources"]] == [s.key for s in load_default().sources]
    assert {s["retention_days"] for s in data["sources"]} >= {2555, 1095, 365}
    assert client.get("/api/v1/ethics-statement", params={"format": "pdf"}).status_code == 422


def test_the_statement_follows_the_newly_approved_charter(client: TestClient, org_url: str) -> None:
    text = default_yaml().replace("retention_days: 365", "retention_days: 180")
    with session_scope(org_url) as s:
        version = apply(s, text, Actor.system("test")).version
        approved = approve(s, version, Actor("ceo@example.org", frozenset({"executive"})), "shorter")
        assert approved.approved_at is not None
        day = approved.approved_at.date()
    sign_in(client, USERS["employee"][0])
    page = client.get("/ethics").text
    assert f"People Alignment Charter version {version}" in page
    assert f'<time datetime="{day.isoformat()}">' in page and "ceo@example.org" in page
    assert "180 days (about 6 months)" in page and "365 days" not in page
    data = client.get("/api/v1/ethics-statement").json()
    assert (data["version"], data["approved_on"]) == (version, day.isoformat())
