"""The home page and /api/v1/organisation show each role what the policy gateway gives its scope:
employees the organisation and its departments, managers also their reporting line, others the
whole tree, every headcount per unit exact (it is the org chart, not an aggregate to hide)."""

from __future__ import annotations

import datetime as dt
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


def _units(tree: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for unit in tree:
        found[unit["code"]] = unit
        found.update(_units(unit["children"]))
    return found


def _figures(units: dict[str, dict[str, Any]]) -> dict[str, int | None]:
    return {code: u["headcount"] for code, u in units.items()}


def test_employee_sees_the_organisation_and_its_departments(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("employee")
    overview = client.get("/api/v1/organisation").json()
    assert (overview["scope"], overview["headcount"]) == ("self", 34)
    assert _figures(_units(overview["units"])) == {"ACME": 34, "ENG": 19, "SAL": 12, "LEG": 3}
    page = client.get("/").text
    assert '<p class="stat__value">34</p>' in page
    assert "the same figures every employee sees" in page and "these figures are exact" in page
    legal = re.search(r"Legal</span>.*?org-tree__count\">([^<]*)<", page, re.S)
    assert legal and legal.group(1) == "3 people"
    assert "Platform" not in page and "EMEA" not in page
    assert '<script src="/static/vendor/plotly.min.js" defer></script>' in page


def test_manager_sees_departments_and_their_reporting_line(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("manager")
    overview = client.get("/api/v1/organisation").json()
    units = _units(overview["units"])
    assert (overview["scope"], overview["headcount"], overview["reporting_line"]) == ("own_subtree", 34, 11)
    assert _figures(units) == {"ACME": 34, "ENG": 19, "SAL": 12, "LEG": 3, "PLAT": 11}
    assert [code for code, u in units.items() if u["reporting_line_only"]] == ["PLAT"]
    page = client.get("/").text
    assert "people in your reporting line" in page and "11 people in your reporting line" in page
    assert "Apps" not in page and "EMEA" not in page


def test_analyst_sees_every_unit_exactly(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("analyst")
    overview = client.get("/api/v1/organisation").json()
    units = _units(overview["units"])
    assert overview["scope"] == "organisation"
    assert _figures(units) == {
        "ACME": 34, "ENG": 19, "PLAT": 12, "APPS": 7, "SAL": 12, "EMEA": 9, "APAC": 3, "LEG": 3
    }  # fmt: skip
    assert overview["units_by_kind"] == {"company": 1, "department": 3, "team": 4}
    page = client.get("/").text
    assert "fewer than 5 people" not in page and "not shown" not in page
    apac = re.search(r"APAC Sales</span>.*?org-tree__count\">([^<]*)<", page, re.S)
    assert apac and apac.group(1) == "3 people"
    assert "groups of at least 5 people" in page
    assert "4</p>" in page and "teams</p>" in page and "company</p>" in page


def test_chart_is_server_built_json_of_the_departments(signed_in: Callable[[str], TestClient]) -> None:
    page = signed_in("analyst").get("/").text
    match = re.search(r'<script type="application/json" id="headcount-figure">(.*?)</script>', page, re.S)
    assert match
    bar = json.loads(match.group(1))["data"][0]
    assert (list(bar["y"]), list(bar["x"])) == (["Legal", "Sales", "Engineering"], [3, 12, 19])
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


def test_on_the_demo_each_role_sees_its_part_of_the_structure_exactly(demo_url: str) -> None:
    manager = "manager@demo.peoplealign.example"
    today = dt.date.today()
    with session_scope(demo_url) as s:
        person_id = s.scalar(select(User.person_id).where(User.email == manager))
        assert person_id is not None
        managers = {p.id: p.manager_id for p in s.execute(select(Person.id, Person.manager_id))}
        people = s.execute(select(Person.id, Person.org_unit_id, Person.hire_date, Person.exit_date)).all()
        active = {
            p.id: p.org_unit_id
            for p in people
            if (p.hire_date is None or p.hire_date <= today) and (p.exit_date is None or p.exit_date > today)
        }
        units = {u.id: u for u in s.scalars(select(OrgUnit))}
    team = subtree(managers, person_id) & set(active)
    team_units = {units[active[p]].code for p in team}
    below: dict[str, int] = {}  # each unit's people, its whole subtree included
    for unit_id in active.values():
        while unit_id is not None:
            below[units[unit_id].code] = below.get(units[unit_id].code, 0) + 1
            unit_id = units[unit_id].parent_id
    departments = {u.code for u in units.values() if u.kind == "department"}
    with TestClient(create_app(demo_url), base_url="https://testserver") as client:
        sign_in(client, "executive@demo.peoplealign.example", DEMO_PASSWORD)
        whole = client.get("/api/v1/organisation").json()
        assert whole["headcount"] == 600 == len(active)
        figures = _figures(_units(whole["units"]))
        assert set(figures) == {u.code for u in units.values()}
        assert figures == {code: below.get(code, 0) for code in figures}
        sign_in(client, "employee@demo.peoplealign.example", DEMO_PASSWORD)
        shared = _units(client.get("/api/v1/organisation").json()["units"])
        assert {code for code, u in shared.items() if u["kind"] == "department"} == departments
        assert all(u["headcount"] == figures[code] for code, u in shared.items())
        sign_in(client, manager, DEMO_PASSWORD)
        own = client.get("/api/v1/organisation").json()
        counted = {code: u for code, u in _units(own["units"]).items() if u["counted"]}
        assert {code for code, u in counted.items() if u["kind"] == "team"} == team_units
        assert all(counted[code]["headcount"] == figures[code] for code in departments)
        assert own["reporting_line"] == len(team)
        assert client.get("/").status_code == 200
