"""Navigation follows the charter's views per role, and lists only pages that exist."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Match
from starlette.types import Scope as AsgiScope
from web_helpers import USERS, sign_in

from peoplealign.alignment.organisation import aggregate_scope
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import apply, approve, default_yaml, load_default
from peoplealign.policy.scope import Scope
from peoplealign.store.engine import session_scope
from peoplealign.web.app import create_app
from peoplealign.web.charter_rules import views_for_roles
from peoplealign.web.deps import require_view
from peoplealign.web.navigation import navigation_for
from peoplealign.web.templating import serves_page


def _nav_links(page: str) -> list[str]:
    nav = re.search(r'<nav class="main-nav" aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav
    return re.findall(r'<a href="([^"]+)"', nav.group(1))


def test_employee_sees_no_analyst_links(signed_in: Callable[[str], TestClient]) -> None:
    page = signed_in("employee").get("/").text
    links = _nav_links(page)
    assert links[0] == "/" and {"/ethics", "/town-hall", "/my-data"} <= set(links)
    assert not {"/docs", "/audit", "/decisions", "/decisions/queue"} & set(links)
    assert 'aria-current="page"' in page
    assert "Employee" in page and "emp@example.org" in page


def test_analyst_and_admin_see_the_api_docs_and_only_admins_the_audit_trail(client: TestClient) -> None:
    sign_in(client, USERS["analyst"][0])
    analyst = _nav_links(client.get("/").text)
    assert analyst[-1] == "/docs" and "/audit" not in analyst
    sign_in(client, USERS["admin"][0])
    assert _nav_links(client.get("/").text)[-2:] == ["/audit", "/docs"]


def test_links_appear_only_for_pages_that_exist() -> None:
    employee_views = views_for_roles(load_default(), {"employee"})
    assert [i.url for i in navigation_for(employee_views, {"/"}.__contains__)] == ["/"]
    every_page = {"/", "/ethics", "/docs"}.__contains__
    assert [i.url for i in navigation_for(employee_views, every_page)] == ["/", "/ethics"]
    assert navigation_for(set(), every_page) == []


def test_views_and_scope_come_from_the_charter() -> None:
    charter = load_default()
    assert "audit" in views_for_roles(charter, {"admin"})
    assert "audit" not in views_for_roles(charter, {"employee", "manager"})
    assert "api_docs" not in views_for_roles(charter, {"employee", "executive"})

    def scope(*roles: str) -> Scope:
        return aggregate_scope(charter, Actor("someone@example.org", frozenset(roles)))

    assert scope("employee") is Scope.SELF
    assert scope("employee", "manager") is Scope.OWN_SUBTREE
    assert scope("employee", "executive") is Scope.ORGANISATION
    assert scope() is Scope.SELF


def test_an_approved_charter_changes_what_the_web_shows(client: TestClient, org_url: str) -> None:
    """Tighten k to 20 and let employees open only the ethics statement: the app follows at once."""
    text = default_yaml().replace("k_aggregate: 5", "k_aggregate: 20")
    text = text.replace(
        "views: [home, town_hall, ethics_statement, my_data, workshops, check_ins]",
        "views: [ethics_statement]",
    )
    with session_scope(org_url) as s:
        version = apply(s, text, Actor.system("test")).version
        approve(s, version, Actor(email="ceo@example.org", roles=frozenset({"executive"})), "tighter")
    sign_in(client, USERS["employee"][0])
    assert client.get("/").status_code == 403
    sign_in(client, USERS["analyst"][0])
    overview = client.get("/api/v1/organisation").json()
    assert overview["k"] == 20
    assert overview["headcount"] == 34
    # Headcounts per unit are the org chart, exact whatever k; the rest now needs groups of 20.
    assert [u["headcount"] for u in overview["units"][0]["children"]] == [19, 3, 12]
    assert "groups of at least 20 people" in client.get("/").text


def test_require_view_refuses_roles_the_charter_does_not_name(org_url: str) -> None:
    app = create_app(org_url)

    @app.get("/audit-trail")
    def audit_page(actor: Annotated[Actor, Depends(require_view("audit"))]) -> dict[str, str]:
        return {"actor": actor.email}

    @app.get("/api/v1/audit-trail")
    def audit_api(actor: Annotated[Actor, Depends(require_view("audit"))]) -> dict[str, str]:
        return {"actor": actor.email}

    with TestClient(app, base_url="https://testserver") as client:
        sign_in(client, USERS["employee"][0])
        page = client.get("/audit-trail")
        assert page.status_code == 403
        assert "Not available to you" in page.text and "ask an administrator" in page.text
        assert client.get("/api/v1/audit-trail").status_code == 403
        sign_in(client, USERS["admin"][0])
        assert client.get("/api/v1/audit-trail").json() == {"actor": "adm@example.org"}


def test_which_pages_exist_is_asked_once_per_app_and_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Navigation asks about every link on every request: the routes are matched once per app."""
    with_page, without = FastAPI(), FastAPI()
    with_page.get("/ethics")(lambda: {})
    matched: list[str] = []
    original = APIRoute.matches

    def counting(route: APIRoute, scope: AsgiScope) -> tuple[Match, AsgiScope]:
        matched.append(scope["path"])
        return original(route, scope)

    monkeypatch.setattr(APIRoute, "matches", counting)
    assert [serves_page(with_page, "/ethics") for _ in range(3)] == [True] * 3
    assert matched == ["/ethics"]
    assert not serves_page(without, "/ethics") and not serves_page(with_page, "/audit")
