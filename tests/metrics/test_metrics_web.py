"""Workshop, review and dashboard pages on the demo organisation after the demo workshop: forms
need the CSRF token, only approved versions reach the dashboard, the charter's views decide who
sees which page."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from peoplealign.demo.metric_workshop import AGREED, LEFT_OPEN, run_demo_workshop
from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.store.engine import dispose_all, session_scope
from peoplealign.store.models import MetricDefinition
from peoplealign.web.app import create_app

DEMO = "@demo.peoplealign.example"


@pytest.fixture(scope="module")
def app(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    copy = tmp_path_factory.mktemp("metrics-web") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    with session_scope(url) as session:
        assert run_demo_workshop(session) == 1
    yield create_app(url)
    dispose_all()


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _client(app: FastAPI, role: str) -> TestClient:
    client = TestClient(app, base_url="https://testserver")
    token = _token(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": f"{role}{DEMO}", "password": DEMO_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return client


def _in_review(app: FastAPI, key: str) -> int:
    with session_scope(app.state.db_url) as session:
        found = session.scalar(
            select(MetricDefinition.id).where(
                MetricDefinition.key == key, MetricDefinition.status == "in_review"
            )
        )
    assert found is not None
    return found


def test_manager_votes_in_the_workshop(app: FastAPI) -> None:
    manager = _client(app, "manager")
    listing = manager.get("/workshops")
    assert listing.status_code == 200 and "Core KPIs for next year" in listing.text
    page = manager.get("/workshops/1")
    assert page.text.count("Review and vote") == len(LEFT_OPEN)
    metric = _in_review(app, "internal_mobility")
    review = manager.get(f"/workshops/1/metrics/{metric}")
    assert "Does this reflect high performance here?" in review.text
    form = {"verdict": "approve", "rating": "4", "comment": "Moves are how we grow people."}
    refused = manager.post(f"/workshops/1/metrics/{metric}/review", data=form, follow_redirects=False)
    assert refused.status_code == 403, "a form without the CSRF token is refused"
    done = manager.post(
        f"/workshops/1/metrics/{metric}/review",
        data={**form, "csrf_token": _token(review.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = manager.get(done.headers["location"])
    assert "Your vote on internal_mobility" in after.text and "Your vote: approve" in after.text
    assert "2 of 5" in after.text


def test_suggesting_new_settings_starts_a_new_version(app: FastAPI) -> None:
    employee = _client(app, "employee")
    metric = _in_review(app, "time_to_proficiency")
    review = employee.get(f"/workshops/1/metrics/{metric}")
    done = employee.post(
        f"/workshops/1/metrics/{metric}/review",
        data={"verdict": "suggest", "param_window_days": "180", "csrf_token": _token(review.text)},
        follow_redirects=False,
    )
    assert "done=suggested" in done.headers["location"]
    new = _in_review(app, "time_to_proficiency")
    assert new != metric
    page = employee.get(f"/workshops/1/metrics/{new}")
    assert "version 2" in page.text and "Nobody has reviewed this version yet" in page.text


def test_dashboard_shows_only_approved_versions(app: FastAPI) -> None:
    analyst = _client(app, "analyst")
    page = analyst.get("/metrics?as_of=2026-11-16")
    assert page.status_code == 200
    shown = re.findall(r'id="metric-([a-z_]+)"', page.text)
    assert sorted(shown) == sorted(AGREED)
    assert "internal_mobility" not in shown and "time_to_proficiency" not in shown
    for key in AGREED:
        assert f'href="/metrics/definitions/{key}"' in page.text
    definition = analyst.get("/metrics/definitions/burnout_risk_index")
    assert "window_days" in definition.text and "Version 2: approved" in definition.text
    api = analyst.get("/api/v1/metrics", params={"by": "organisation", "as_of": "2026-11-16"}).json()
    assert sorted(m["key"] for m in api) == sorted(AGREED)
    assert all(m["explanation"] and m["library_version"] for m in api)


def test_views_follow_the_charter(app: FastAPI) -> None:
    employee = _client(app, "employee")
    assert employee.get("/metrics").status_code == 403
    assert "Workshops" in employee.get("/").text
    page = employee.get("/workshops/1")
    metric = _in_review(app, "internal_mobility")
    refused = employee.post(
        f"/workshops/1/metrics/{metric}/finalize",
        data={"csrf_token": _token(page.text)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    analyst = _client(app, "analyst")
    page = analyst.get("/workshops/1")
    early = analyst.post(
        f"/workshops/1/metrics/{metric}/finalize",
        data={"csrf_token": _token(page.text)},
        follow_redirects=False,
    )
    assert early.status_code == 400 and "no consensus yet" in early.text
    outsider = _client(app, "hr_partner")
    assert outsider.get("/workshops/1").status_code == 403
