"""Workshop, review and dashboard pages on the demo organisation after the demo workshop: forms
need the CSRF token, only approved versions reach the dashboard, the charter's views decide who
sees which page."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from peoplealign.cli.app import app as cli
from peoplealign.demo.metric_workshop import AGREED, LEFT_OPEN, run_demo_workshop
from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.metrics.annotations import annotate
from peoplealign.metrics.dashboard import dashboard
from peoplealign.metrics.definitions import spec_for_measure, store_version
from peoplealign.policy.actor import Actor
from peoplealign.store.engine import dispose_all, session_scope
from peoplealign.store.models import MetricDefinition, User
from peoplealign.web.app import create_app

DEMO = "@demo.peoplealign.example"
AS_OF = dt.date(2026, 11, 16)


def _user(session: Session, role: str) -> User:
    found = session.scalar(select(User).where(User.email == f"{role}{DEMO}"))
    assert found is not None
    return found


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


def _section(html: str, key: str) -> str:
    """The dashboard panel of one metric."""
    start = html.index(f'id="metric-{key}"')
    end = html.find('<section class="panel metric-panel"', start)
    return html[start : end if end >= 0 else len(html)]


def test_a_metric_that_cannot_be_computed_says_why_and_the_others_still_show(app: FastAPI) -> None:
    with session_scope(app.state.db_url) as session:
        row = store_version(session, spec_for_measure("engagement_index"), status="approved")
        added = row.id
    try:
        analyst = _client(app, "analyst")
        page = analyst.get("/metrics?as_of=2025-06-01")  # before the demo's first survey
        assert page.status_code == 200
        engagement = _section(page.text, "engagement_index")
        assert "not computed: no survey opened by 2025-06-01 yet; import a survey to see this" in engagement
        assert 'class="stat__value">—' not in _section(page.text, "retention"), "retention has its value"
        api = analyst.get("/api/v1/metrics", params={"as_of": "2025-06-01"}).json()
        found = {m["key"]: m for m in api}
        assert (
            found["engagement_index"]["computed"] is False
            and "no survey" in found["engagement_index"]["note"]
        )
        assert found["retention"]["computed"] is True and found["retention"]["cells"]
        result = CliRunner().invoke(
            cli,
            [
                "metrics",
                "values",
                "--as-of",
                "2025-06-01",
                "--as",
                f"analyst{DEMO}",
                "--db",
                app.state.db_url,
            ],
        )
        assert result.exit_code == 0, result.output
        assert "engagement_index v1: not computed: no survey opened by 2025-06-01" in result.output
        assert "retention v1 (%, higher is better, k = 5)" in result.output
    finally:
        with session_scope(app.state.db_url) as session:
            retired = session.get(MetricDefinition, added)
            assert retired is not None
            retired.status = "retired"


def test_an_annotation_appears_beside_the_metric(app: FastAPI) -> None:
    with session_scope(app.state.db_url) as session:
        analyst = Actor.from_user(_user(session, "analyst"))
        (panel,) = [
            p for p in dashboard(session, analyst, as_of=AS_OF) if p.definition.key == "burnout_risk_index"
        ]
        assert panel.values is not None
        unit = next(c for c in panel.values.report.cells if not c.suppressed and c.unit_id is not None)
        annotate(
            session,
            analyst,
            text="Quarter-end migration weekend, agreed with the team",
            category="planned_event",
            org_unit=unit.unit_id,
            metric_key="*",
            start=AS_OF - dt.timedelta(days=40),
            end=AS_OF - dt.timedelta(days=27),
        )
    page = _client(app, "analyst").get(f"/metrics?as_of={AS_OF.isoformat()}")
    burnout = _section(page.text, "burnout_risk_index")
    assert "Quarter-end migration weekend, agreed with the team" in burnout
    assert "Context from managers" in burnout and "left out of models" in burnout
    assert 'data-plotly-figure="weekly-burnout_risk_index"' in burnout, "the weekly series with the window"
    figure = re.search(r'id="weekly-burnout_risk_index">(.*?)</script>', burnout, re.S)
    assert figure is not None
    layout = json.loads(figure.group(1))["layout"]
    assert any(shape["type"] == "rect" for shape in layout["shapes"])
    assert any("Quarter-end migration" in note.get("hovertext", "") for note in layout["annotations"])
    bars = re.search(r'id="figure-burnout_risk_index">(.*?)</script>', burnout, re.S)
    assert bars is not None and "Quarter-end migration" in bars.group(1), "a marker beside the unit's bar"
