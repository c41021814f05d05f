"""Every state-changing request needs this session's token, in the form or the htmx header."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from web_helpers import PASSWORD, form_token


def test_login_without_token_is_refused_with_a_clear_page(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert "reload the page" in response.text
    assert client.get("/api/v1/me").status_code == 401


def test_token_from_another_session_is_refused(client: TestClient, org_url: str) -> None:
    from peoplealign.web.app import create_app

    with TestClient(create_app(org_url), base_url="https://testserver") as other:
        foreign = form_token(other.get("/login").text)
    client.get("/login")
    response = client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": foreign}
    )
    assert response.status_code == 403


def test_logout_without_token_keeps_the_session(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("employee")
    response = client.post("/logout", data={})
    assert response.status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_htmx_header_carries_the_token(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("employee")
    page = client.get("/").text
    token = form_token(page)
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page
    response = client.post(
        "/logout", headers={"X-CSRF-Token": token, "HX-Request": "true"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_routers_added_later_are_protected_too(org_url: str) -> None:
    from peoplealign.web.app import create_app

    app = create_app(org_url)

    @app.post("/api/v1/things")
    def make_thing() -> dict[str, bool]:
        return {"made": True}

    with TestClient(app, base_url="https://testserver") as client:
        token = form_token(client.get("/login").text)
        refused = client.post("/api/v1/things", json={})
        assert refused.status_code == 403
        assert "security token" in refused.json()["detail"]
        accepted = client.post("/api/v1/things", json={}, headers={"X-CSRF-Token": token})
        assert accepted.json() == {"made": True}
