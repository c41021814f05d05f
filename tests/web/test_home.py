"""The home page and /api/v1/organisation show each role what the policy gateway gives its scope:
employees the organisation total, managers their reporting line, others the whole tree, with small
units withheld and explained in place."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import USERS, sign_in

from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.policy.scope import subtree
from peoplealign.store.engine import session_scope
from peoplealign.store.migrate import upgrade
from peoplealign.store.models import AuditEvent, OrgUnit, Person, User
from peoplealign.web.app import create_app

K = 5


def _units(tree: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for unit in tree:
        found[unit["code"]] = unit
        found.update(_units(unit["children"]))
    return found


def test_employee_sees_the_organisation_total_only(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("employee")
    overview = client.get("/api/v1/organisation").json()
    units = _units(overview["units"])
    assert (overview["scope"], overview["headcount"]) == ("self", 34)
    assert set(units) == {"ACME", "ENG", "SAL", "LEG"}
    assert all(u["counted"] is False and u["headcount"] is None for u in units.values())
    page = client.get("/").text
    assert '<p class="stat__value">34</p>' in page
    assert "the same figure every employee sees" in page
    assert "organisation-wide figures only, so there is no chart" in page
    assert "Platform" not in page and "19 people" not in page and "fewer than 5 people" not in page
    assert "plotly.min.js" not in page


def test_manager_sees_the_total_and_their_reporting_line(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("manager")
    overview = client.get("/api/v1/organisation").json()
    units = _units(overview["units"])
    assert (overview["scope"], overview["headcount"], overview["reporting_line"]) == ("own_subtree", 34, 11)
    assert {code for code, u in units.items() if u["counted"]} == {"ACME", "ENG", "PLAT"}
    assert units["PLAT"]["headcount"] == 11
    assert "APPS" not in units and "EMEA" not in units and "APAC" not in units
    assert units["SAL"]["headcount"] is None and units["LEG"]["headcount"] is None
    page = client.get("/").text
    assert "people in your reporting line" in page and "Platform" in page
    assert "Apps" not in page and "EMEA" not in page


def test_analyst_sees_the_whole_tree_small_units_withheld(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("analyst")
    overview = client.get("/api/v1/organisation").json()
    units = _units(overview["units"])
    assert overview["scope"] == "organisation"
    assert {"PLAT", "APPS", "EMEA", "APAC"} <= set(units)
    assert (units["ENG"]["headcount"], units["APPS"]["headcount"]) == (19, 7)
    assert units["LEG"] == {**units["LEG"], "headcount": None, "withheld": "small"}
    # Acme 34 - Engineering 19 - Sales 12 would reveal Legal's 3, so Sales is withheld too.
    assert units["SAL"]["withheld"] == "protects_small"
    assert overview["units_by_kind"] == {"company": 1, "department": 3, "team": 4}
    page = client.get("/").text
    assert "fewer than 5 people" in page
    assert "not shown, to protect a smaller group" in page
    legal = re.search(r"Legal</span>.*?org-tree__count\">([^<]*)<", page, re.S)
    assert legal and legal.group(1) == "fewer than 5 people"
    assert "3 people" not in page
    assert "4</p>" in page and "teams</p>" in page and "company</p>" in page


def test_chart_is_server_built_json_of_shown_units_only(signed_in: Callable[[str], TestClient]) -> None:
    page = signed_in("analyst").get("/").text
    match = re.search(r'<script type="application/json" id="headcount-figure">(.*?)</script>', page, re.S)
    assert match
    bar = json.loads(match.group(1))["data"][0]
    assert list(bar["y"]) == ["Engineering"]
    assert "Not charted, to protect small groups: Legal, Sales." in page
    assert '<script src="/static/vendor/plotly.min.js" defer></script>' in page


def test_every_headcount_on_the_page_was_read_through_the_gateway(
    signed_in: Callable[[str], TestClient], org_url: str
) -> None:
    signed_in("analyst").get("/")
    with session_scope(org_url) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.actor == USERS["analyst"][0])).all()
    assert [(e.action, e.resource, e.purpose, e.detail["by"]) for e in events] == [
        ("read_aggregate", "hris", "org_reporting", []),
        ("read_aggregate", "hris", "org_reporting", ["department"]),
        ("read_aggregate", "hris", "org_reporting", ["org_unit"]),
    ]


def test_empty_organisation_says_what_to_do(sqlite_url: str) -> None:
    from peoplealign.accounts.users import add_user

    upgrade(sqlite_url)
    with session_scope(sqlite_url) as s:
        add_user(s, "first@example.org", "a long enough password", "admin")
    with TestClient(create_app(sqlite_url), base_url="https://testserver") as client:
        sign_in(client, "first@example.org", "a long enough password")
        page = client.get("/").text
    assert "No organisation data yet" in page
    assert "peoplealign --help" in page
    assert "plotly.min.js" not in page


def test_home_page_on_every_backend(db_url: str) -> None:
    from web_helpers import populate

    populate(db_url)
    with TestClient(create_app(db_url), base_url="https://testserver") as client:
        sign_in(client, USERS["analyst"][0])
        assert client.get("/api/v1/organisation").json()["headcount"] == 34
        sign_in(client, USERS["manager"][0])
        assert client.get("/api/v1/organisation").json()["reporting_line"] == 11


def _assert_nothing_small_can_be_read(total: int | None, children: list[dict[str, Any]]) -> None:
    for child in children:
        assert child["headcount"] is None or child["headcount"] >= K
        _assert_nothing_small_can_be_read(child["headcount"], child["children"])
    if total is not None:
        remainder = total - sum(c["headcount"] or 0 for c in children)
        assert remainder == 0 or remainder >= K


def test_on_the_demo_no_role_sees_a_small_group_or_beyond_its_scope(demo_url: str) -> None:
    manager = "manager@demo.peoplealign.example"
    with session_scope(demo_url) as s:
        person_id = s.scalar(select(User.person_id).where(User.email == manager))
        assert person_id is not None
        managers = {p.id: p.manager_id for p in s.execute(select(Person.id, Person.manager_id))}
        active = set(s.scalars(select(Person.id).where(Person.exit_date.is_(None))))
        team = subtree(managers, person_id) & active
        team_units = set(s.scalars(select(OrgUnit.code).join(Person).where(Person.id.in_(team))))
    with TestClient(create_app(demo_url), base_url="https://testserver") as client:
        sign_in(client, "analyst@demo.peoplealign.example", DEMO_PASSWORD)
        whole = client.get("/api/v1/organisation").json()
        assert whole["headcount"] == 600
        _assert_nothing_small_can_be_read(whole["headcount"], whole["units"])
        assert any(u["withheld"] for u in _units(whole["units"]).values())
        sign_in(client, manager, DEMO_PASSWORD)
        own = client.get("/api/v1/organisation").json()
        counted = {code for code, u in _units(own["units"]).items() if u["counted"]}
        teams = {code for code in counted if _units(own["units"])[code]["kind"] == "team"}
        assert teams == team_units
        assert own["reporting_line"] == len(team)
        assert client.get("/").status_code == 200
