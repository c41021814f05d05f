"""The listening pages and the alignment matrix on the scored demo: who may open them (the charter's
`listening` and `alignment` views), what the others get, the API twins, quotes only from large teams,
and no figure of a suppressed cell anywhere in the HTML."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from html import escape, unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import sign_in

from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.listening.ingest import ingest_comments
from peoplealign.listening.scorer import CommentScorer
from peoplealign.store.engine import dispose_all, session_scope
from peoplealign.web.app import create_app

ROLES = ("employee", "manager", "hr_partner", "analyst", "executive", "admin")
LISTENING_PAGES = ("/listening", "/listening/topics", "/listening/survey")
LISTENING_API = (
    "/api/v1/listening/themes",
    "/api/v1/listening/topics",
    "/api/v1/listening/heatmap",
    "/api/v1/listening/drivers",
    "/api/v1/listening/themes/quotes?theme=Career%20Growth",
)
CAN_LISTEN = {"analyst", "executive"}
CAN_ALIGN = {"executive"}


@pytest.fixture(scope="module")
def scored_demo(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with its comments scored, shared by the module (the pages only read)."""
    copy = tmp_path_factory.mktemp("listening-web") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    with session_scope(url) as session:
        ingest_comments(session, CommentScorer())
    yield url
    dispose_all()


@pytest.fixture(scope="module")
def clients(scored_demo: str) -> Iterator[Callable[[str | None], TestClient]]:
    """A client per role, signed in once (demo passwords are hashed at full cost)."""
    app = create_app(scored_demo)
    opened: dict[str | None, TestClient] = {}

    def client_for(role: str | None) -> TestClient:
        if role not in opened:
            opened[role] = TestClient(app, base_url="https://testserver").__enter__()
            if role is not None:
                sign_in(opened[role], f"{role}@demo.peoplealign.example", DEMO_PASSWORD)
        return opened[role]

    yield client_for
    for client in opened.values():
        client.__exit__(None, None, None)


@pytest.mark.parametrize("role", ROLES)
def test_listening_and_alignment_open_only_to_the_charters_audiences(
    clients: Callable[[str | None], TestClient], role: str
) -> None:
    client = clients(role)
    # Allowed roles open the pages (their API twins are read by the tests below); refusals are cheap,
    # so every page and endpoint is checked for them.
    for path in LISTENING_PAGES if role in CAN_LISTEN else (*LISTENING_PAGES, *LISTENING_API):
        response = client.get(path)
        assert response.status_code == (200 if role in CAN_LISTEN else 403), (path, response.text[:300])
    for path in ("/alignment",) if role in CAN_ALIGN else ("/alignment", "/api/v1/alignment"):
        assert client.get(path).status_code == (200 if role in CAN_ALIGN else 403), path
    nav = re.search(r'<nav class="main-nav".*?</nav>', client.get("/").text, re.S)
    assert nav is not None
    assert ('href="/listening"' in nav.group(0)) == (role in CAN_LISTEN)
    assert ('href="/alignment"' in nav.group(0)) == (role in CAN_ALIGN)


def test_signed_out_visitors_are_sent_to_sign_in(clients: Callable[[str | None], TestClient]) -> None:
    client = clients(None)
    response = client.get("/alignment", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Falignment"
    assert client.get("/api/v1/listening/themes").status_code == 401


def test_heatmap_shows_no_figure_of_a_suppressed_cell(clients: Callable[[str | None], TestClient]) -> None:
    client = clients("analyst")
    cells = client.get("/api/v1/listening/heatmap", params={"by": "org_unit"}).json()
    html, url = "", "/listening/survey?by=org_unit"
    while url:  # the table shows a page of groups at a time: every group is on one of the pages
        page = client.get(url).text
        html += page
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = unescape(following.group(1)) if following else ""
    assert html.count('<nav class="pager"') >= 2, "more groups than one page of the table"
    rows = {row["group"]: row["cells"] for row in cells["rows"]}
    hidden = [c for row in rows.values() for c in row if c["suppressed"]]
    assert hidden and any(not c["suppressed"] for row in rows.values() for c in row)
    assert "hidden to protect anonymity: fewer than 5 people" in html
    for label, row in rows.items():
        found = re.search(rf'<th scope="row">{re.escape(escape(label))}</th>(.*?)</tr>', html, re.S)
        assert found is not None, label
        shown = re.findall(r"<td>(\d+)%</td>", found.group(1))
        assert shown == [f"{c['value']:.0f}" for c in row if not c["suppressed"]], label
        assert found.group(1).count("hidden to protect anonymity") == sum(c["suppressed"] for c in row)
    figure = json.loads(re.search(r'id="heatmap-figure">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    trace = figure["data"][0]
    for label, z, text in zip(trace["y"], trace["z"], trace["text"], strict=True):
        for cell, value, words in zip(rows[label], z, text, strict=True):
            assert (value is None and words == "hidden") if cell["suppressed"] else value == cell["value"]


def test_themes_drill_down_quotes_and_hidden_groups(clients: Callable[[str | None], TestClient]) -> None:
    client = clients("executive")
    page = client.get("/listening", params={"by": "department"})
    assert page.status_code == 200 and "Which themes do people write about most?" in page.text
    assert 'hx-get="/listening/quotes?theme=' in page.text
    themes = client.get("/api/v1/listening/themes", params={"by": "department", "quotes": 2}).json()
    for cells in themes["themes"].values():
        for cell in cells:
            if cell["suppressed"]:
                assert cell["quotes"] == [] and cell["sentiment"] is None
                assert f"hidden to protect anonymity: {cell['reason']}" in page.text
    partial = client.get("/listening/quotes", params={"theme": "Career Growth"})
    assert partial.status_code == 200 and "<blockquote>" in partial.text and "<html" not in partial.text
    small = client.get(
        "/api/v1/listening/themes/quotes",
        params={"theme": "Career Growth", "by": "org_unit", "value": "Content Studio"},
    ).json()
    assert small["quotes"] == [] and "hidden to protect anonymity" in small["reason"]


def test_topics_api_for_an_analyst(clients: Callable[[str | None], TestClient]) -> None:
    body = clients("analyst").get("/api/v1/listening/topics", params={"quotes": 1}).json()
    assert body["k"] == 10 and body["model"] and body["method"]
    for topic in body["topics"]:
        assert topic["writers"] >= body["k"] and len(topic["quotes"]) <= 1


def test_alignment_page_ranks_gaps_with_their_evidence(clients: Callable[[str | None], TestClient]) -> None:
    client = clients("executive")
    report = client.get("/api/v1/alignment").json()
    html = client.get("/alignment").text
    assert "Do our priorities match what employees are concerned about?" in html
    positions = [html.index(f'id="gap-{o["code"]}"') for o in report["objectives"]]
    assert positions == sorted(positions), "gaps appear in ranked order"
    top = report["objectives"][0]
    assert f"gap {top['gap']:+.2f}" in html and f"Evidence for “{top['name']}”" in html
    assert re.search(r"n = \d+ .* closed \d\d \w{3} 20\d\d", html), "charts carry n and date"


def _department_trend(client: TestClient, theme: str, department: str) -> tuple[list, list]:
    by_department = client.get("/api/v1/listening/themes", params={"by": "department"}).json()
    overall = client.get("/api/v1/listening/themes").json()
    [cell] = [c for c in by_department["themes"][theme] if c["group"]["department"] == department]
    return [p["sentiment"] for p in cell["trend"]], [
        p["sentiment"] for p in overall["themes"][theme][0]["trend"]
    ]


def test_the_trust_teams_department_stands_out_on_management_trust(
    clients: Callable[[str | None], TestClient],
) -> None:
    """Planted: team MKT-01 of Marketing distrusts its management (demo story)."""
    department, everyone = _department_trend(clients("executive"), "Management Trust", "Marketing")
    assert len(department) == 3 and None not in department, (
        "Marketing's Management Trust is visible every cycle"
    )
    assert all(d < e - 0.1 for d, e in zip(department, everyone, strict=True))


def test_the_burnout_departments_burnout_sentiment_falls_across_cycles(
    clients: Callable[[str | None], TestClient],
) -> None:
    """Planted: Sales' workload rises from February 2026 (demo story)."""
    department, _ = _department_trend(clients("executive"), "Burnout Risk & Workload", "Sales")
    assert len(department) == 3 and None not in department, "Sales' Burnout Risk is visible every cycle"
    assert department[-1] < department[0] - 0.1
