"""The People ROI and well-being pages and their API twins on the demo, per role."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_helpers import sign_in

from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.web import paging
from peoplealign.web.app import create_app
from peoplealign.web.routers import insights

DOMAIN = "demo.peoplealign.example"


@pytest.fixture(scope="module")
def demo_client(demo_db_file, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    import shutil

    copy = tmp_path_factory.mktemp("insights-web") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    with TestClient(create_app(f"sqlite:///{copy}"), base_url="https://testserver") as client:
        yield client


def test_the_executive_sees_roi_and_the_quadrant(demo_client: TestClient) -> None:
    sign_in(demo_client, f"executive@{DOMAIN}", DEMO_PASSWORD)
    page = demo_client.get("/roi")
    assert page.status_code == 200, page.text
    assert "Center for American Progress" in page.text and 'id="attrition-cost"' in page.text
    assert 'href="/roi"' in page.text and 'href="/wellbeing"' in page.text
    quadrant = demo_client.get("/wellbeing")
    assert quadrant.status_code == 200
    assert (
        'data-plotly-figure="quadrant-figure"' in quadrant.text
        and "/static/vendor/plotly.min.js" in quadrant.text
    )
    assert "Rebalance workload" in quadrant.text and "fewer than 5 people" in quadrant.text
    body = demo_client.get("/api/v1/insights/roi", params={"seed": 3}).json()
    assert body["avoided_cost"]["seed"] == 3 and body["attrition_cost"]["total"]["departures"] > 0
    assert demo_client.get("/api/v1/insights/skill-gaps").json()["gaps"][0]["skill"] == "ml-engineering"


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_roi_is_closed_to_employees_and_managers(demo_client: TestClient, role: str) -> None:
    sign_in(demo_client, f"{role}@{DOMAIN}", DEMO_PASSWORD)
    assert demo_client.get("/roi").status_code == 403
    assert demo_client.get("/api/v1/insights/roi").status_code == 403
    assert 'href="/roi"' not in demo_client.get("/").text


def test_the_well_being_table_comes_a_page_at_a_time(
    demo_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of teams at 5,000 people: the table is paged, flagged teams first, and the pages
    together list every team once."""
    sign_in(demo_client, f"executive@{DOMAIN}", DEMO_PASSWORD)
    every = [t["team"] for t in demo_client.get("/api/v1/insights/wellbeing").json()["teams"]]
    monkeypatch.setattr(insights, "paginate", functools.partial(paging.paginate, size=3))
    listed: list[str] = []
    for number in range(1, -(-len(every) // 3) + 1):
        page = demo_client.get("/wellbeing", params={"page": number}).text
        rows = re.findall(r'<th scope="row">([^<]+)</th>', page)
        assert len(rows) <= 3 and f"(page {number} of" in page
        listed += [html.unescape(r) for r in rows]
    assert listed == every and len(every) > 3
    first = demo_client.get("/wellbeing").text
    assert 'class="is-flagged"' in first and 'href="/wellbeing?page=2"' in first
