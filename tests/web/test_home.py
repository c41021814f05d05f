"""The home page and /api/v1/organisation show each role its share of the tree, small units withheld."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from web_helpers import USERS, sign_in

from peoplealign.store.migrate import upgrade
from peoplealign.web.app import create_app


def _units(tree: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for unit in tree:
        found[unit["code"]] = unit
        found.update(_units(unit["children"]))
    return found


def test_employee_sees_departments_with_small_ones_withheld(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("employee")
    overview = client.get("/api/v1/organisation").json()
    units = _units(overview["units"])
    assert overview["scope"] == "departments"
    assert overview["headcount"] == 34
    assert set(units) == {"ACME", "ENG", "SAL", "LEG"}
    assert units["ENG"]["headcount"] == 19
    assert units["LEG"] == {**units["LEG"], "headcount": None, "withheld": "small"}
    # Acme 34 - Engineering 19 - Sales 12 would reveal Legal's 3, so Sales is withheld too.
    assert units["SAL"]["withheld"] == "protects_small"
    page = client.get("/").text
    assert "fewer than 5 people" in page
    assert "not shown, to protect a smaller group" in page
    assert "Platform" not in page
    legal = re.search(r"Legal</span>.*?org-tree__count\">([^<]*)<", page, re.S)
    assert legal and legal.group(1) == "fewer than 5 people"
    assert "3 people" not in page


def test_manager_also_sees_own_team(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("manager")
    overview = client.get("/api/v1/organisation").json()
    units = _units(overview["units"])
    assert overview["scope"] == "own_subtree"
    assert units["PLAT"]["headcount"] == 12
    assert "APPS" not in units and "EMEA" not in units
    assert "Platform" in client.get("/").text


def test_analyst_sees_the_whole_tree(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("analyst")
    overview = client.get("/api/v1/organisation").json()
    units = _units(overview["units"])
    assert overview["scope"] == "organisation"
    assert {"PLAT", "APPS", "EMEA", "APAC"} <= set(units)
    assert units["APPS"]["headcount"] == 7
    assert overview["units_by_kind"] == {"company": 1, "department": 3, "team": 4}
    page = client.get("/").text
    assert "4</p>" in page and "teams</p>" in page and "company</p>" in page


def test_chart_is_server_built_json_of_shown_units_only(signed_in: Callable[[str], TestClient]) -> None:
    page = signed_in("employee").get("/").text
    match = re.search(r'<script type="application/json" id="headcount-figure">(.*?)</script>', page, re.S)
    assert match
    bar = json.loads(match.group(1))["data"][0]
    assert list(bar["y"]) == ["Engineering"]
    assert "Not charted, to protect small groups: Legal, Sales." in page or (
        "Not charted, to protect small groups: Sales, Legal." in page
    )
    assert '<script src="/static/vendor/plotly.min.js" defer></script>' in page


def test_empty_organisation_says_what_to_do(sqlite_url: str) -> None:
    from peoplealign.accounts.users import add_user
    from peoplealign.store.engine import session_scope

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
