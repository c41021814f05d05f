"""Signing in and out: cookies, redirects, 401s, revocation on logout and safe redirects."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from web_helpers import PASSWORD, USERS, form_token, populate, sign_in

from peoplealign.web.app import create_app


def test_pages_redirect_to_login_when_signed_out(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    deep = client.get("/api-less/page?x=1", follow_redirects=False)
    assert deep.status_code == 404


def test_protected_page_keeps_the_target_for_after_login(client: TestClient) -> None:
    response = client.get("/?tab=tree", follow_redirects=False)
    assert response.headers["location"] == "/login?next=%2F%3Ftab%3Dtree"


def test_api_answers_401_json_when_signed_out(client: TestClient) -> None:
    for path in ("/api/v1/me", "/api/v1/organisation"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json() == {"detail": "Sign in to continue."}


def test_login_success_sets_a_hardened_cookie(client: TestClient) -> None:
    token = form_token(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": "ANA@example.org", "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("peoplealign_session=")
    for flag in ("httponly", "secure", "samesite=lax", "max-age=28800"):
        assert flag in cookie
    me = client.get("/api/v1/me").json()
    assert me == {
        "email": "ana@example.org",
        "display_name": None,
        "roles": ["employee", "analyst"],
        "person_id": None,
    }


def test_login_rotates_the_session(client: TestClient) -> None:
    before = form_token(client.get("/login").text)
    sign_in(client, USERS["analyst"][0])
    after = form_token(client.get("/").text)
    assert before != after


def test_wrong_password_is_refused_with_a_clear_message(client: TestClient) -> None:
    token = form_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": "ana@example.org", "password": "nope nope nope", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "The email or password is not right" in response.text
    assert 'value="ana@example.org"' in response.text
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_email_gets_the_same_answer(client: TestClient) -> None:
    token = form_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": "who@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 400
    assert "The email or password is not right" in response.text


def test_logout_invalidates_every_copy_of_the_cookie(client: TestClient, org_url: str) -> None:
    sign_in(client, USERS["employee"][0])
    stolen = dict(client.cookies)
    assert client.get("/api/v1/me").status_code == 200
    token = form_token(client.get("/").text)
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?signed_out=true"
    assert "signed out" in client.get(response.headers["location"]).text
    with TestClient(create_app(org_url), base_url="https://testserver", cookies=stolen) as replay:
        assert replay.get("/api/v1/me").status_code == 401
        assert replay.get("/", follow_redirects=False).status_code == 303


def test_deactivated_user_is_signed_out(client: TestClient, org_url: str) -> None:
    from peoplealign.accounts.users import find_user
    from peoplealign.store.engine import session_scope

    sign_in(client, USERS["analyst"][0])
    with session_scope(org_url) as s:
        user = find_user(s, USERS["analyst"][0])
        assert user is not None
        user.is_active = False
    assert client.get("/api/v1/me").status_code == 401


def test_login_never_redirects_off_site(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = form_token(client.get("/login").text)
        response = client.post(
            "/login",
            data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"


def test_signed_in_user_visiting_login_goes_home(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("employee")
    response = client.get("/login", follow_redirects=False)
    assert response.status_code == 303


def test_login_and_logout_on_every_backend(db_url: str) -> None:
    populate(db_url)
    with TestClient(create_app(db_url), base_url="https://testserver") as client:
        sign_in(client, USERS["manager"][0])
        assert client.get("/api/v1/me").json()["roles"] == ["employee", "manager"]
        assert "Organisation overview" in client.get("/").text
        client.post("/logout", data={"csrf_token": form_token(client.get("/").text)})
        assert client.get("/api/v1/me").status_code == 401
