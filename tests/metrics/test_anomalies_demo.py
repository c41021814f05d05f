"""On the demo organisation: the planted brainstorming sprint is flagged (and little else), the
demo manager sees it as a context request, explains it on the web page, and only then is it
explained; coaching prompts name teams and numbers, never a person, and publishing them is
idempotent."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from peoplealign.demo.names import EMAIL_DOMAIN
from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.metrics.annotations import annotate
from peoplealign.metrics.anomalies import detect_anomalies, list_anomalies
from peoplealign.metrics.coaching import RECOMMENDATION_KIND, coaching_prompts, publish_coaching
from peoplealign.policy.actor import Actor
from peoplealign.store.engine import dispose_all, session_scope
from peoplealign.store.models import Anomaly, AppSetting, OrgUnit, Person, Recommendation, User
from peoplealign.web.app import create_app

AS_OF = dt.date(2026, 11, 16)


@pytest.fixture(scope="module")
def detected(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A copy of the demo after one detection run and one coaching publication."""
    copy = tmp_path_factory.mktemp("anomalies") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    with session_scope(url) as s:
        detect_anomalies(s, Actor.system("test"))
        publish_coaching(s, Actor.system("test"), AS_OF)
    yield url
    dispose_all()


def _stories(url: str) -> dict[str, Any]:
    with session_scope(url) as s:
        setting = s.get(AppSetting, "demo_stories")
        assert setting is not None
        return dict(setting.value)


def _actor(url: str, email: str) -> Actor:
    with session_scope(url) as s:
        user = s.scalar(select(User).where(User.email == email))
        assert user is not None
        return Actor.from_user(user)


def test_the_planted_sprint_is_flagged_and_little_else(detected: str) -> None:
    stories = _stories(detected)
    with session_scope(detected) as s:
        team = s.scalar(select(OrgUnit.id).where(OrgUnit.code == stories["anomaly_team"]))
        flags = list(s.scalars(select(Anomaly)))
    planted = {(team, stories["anomaly_metric"], dt.date.fromisoformat(w)) for w in stories["anomaly_weeks"]}
    assert planted <= {(f.org_unit_id, f.metric_key, f.week_start) for f in flags}
    secondary = {
        f.week_start.isoformat() for f in flags if f.metric_key == stories["anomaly_secondary_metric"]
    }
    assert secondary == set(stories["anomaly_weeks"]), "the sprint's output dip is flagged too"
    assert len({f.org_unit_id for f in flags}) <= 3, "few teams are bothered with false alarms"


def test_no_team_below_k_is_flagged(detected: str) -> None:
    with session_scope(detected) as s:
        flagged = set(s.scalars(select(Anomaly.org_unit_id)))
        sizes = {
            unit: len(s.scalars(select(Person.id).where(Person.org_unit_id == unit)).all())
            for unit in flagged
        }
    assert all(size >= 5 for size in sizes.values())


def test_the_demo_manager_explains_the_sprint_on_the_context_page(detected: str) -> None:
    manager = f"manager@{EMAIL_DOMAIN}"
    with session_scope(detected) as s:
        flags = list_anomalies(s, _actor(detected, manager), status="open")
    sprint = _stories(detected)["anomaly_weeks"]
    assert {f.week_start.isoformat() for f in flags} >= set(sprint), "the request reached the team's manager"
    with TestClient(create_app(detected), base_url="https://testserver") as client:
        token = _sign_in(client, f"employee@{EMAIL_DOMAIN}")
        assert client.get("/context").status_code == 403, "employees have no context requests"
        refused = client.post(
            f"/api/v1/anomalies/{flags[0].id}/annotations",
            json={"text": "x", "category": "other"},
            headers={"X-CSRF-Token": token},
        )
        assert refused.status_code == 403
        client.post("/logout", data={"csrf_token": token})
        token = _sign_in(client, manager)
        page = client.get("/context")
        assert page.status_code == 200 and "Waiting for your context (" in page.text
        first = min(flags, key=lambda f: (f.week_start, f.id))
        assert f'hx-get="/context/{first.id}/series"' in page.text, "the flagged series loads after the page"
        series = client.get(f"/context/{first.id}/series")
        assert series.status_code == 200 and 'data-plotly-figure="series-' in series.text
        assert all(week in series.text for week in sprint), "with the flagged weeks marked"
        assert client.get("/context/999999/series").status_code == 404
        saved = client.post(
            f"/context/{first.id}",
            data={
                "csrf_token": token,
                "category": "planned_event",
                "text": "A brainstorming sprint, not low productivity",
                "start": sprint[0],
                "end": (dt.date.fromisoformat(sprint[-1]) + dt.timedelta(days=6)).isoformat(),
                "all_signals": "true",
                "exclude_from_models": "true",
            },
            follow_redirects=True,
        )
        assert saved.status_code == 200 and "brainstorming sprint" in saved.text
        explained = saved.text[saved.text.index('id="answered"') :]
        assert f'hx-get="/context/{first.id}/series"' in explained
        drawn = client.get(f"/context/{first.id}/series").text
        figure = re.search(r'<script type="application/json" id="series-[^"]+">(.*?)</script>', drawn, re.S)
        assert figure is not None, "the explained episode is drawn with its context window"
        layout = json.loads(figure.group(1))["layout"]
        assert any(shape["type"] == "rect" for shape in layout["shapes"])
        assert any("brainstorming sprint" in a.get("hovertext", "") for a in layout["annotations"])
        listed = client.get("/api/v1/anomalies", params={"status": "explained"}).json()
    assert {f["week_start"] for f in listed} >= set(sprint)
    assert all(f["annotations"] and f["model_version"] and f["explanation"] for f in listed)


def _sign_in(client: TestClient, email: str) -> str:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    client.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token.group(1)})
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert found is not None
    return found.group(1)


def test_coaching_prompts_name_teams_never_people(detected: str) -> None:
    with session_scope(detected) as s:
        names = set(s.scalars(select(Person.name)))
        prompts = coaching_prompts(s, Actor.system("test"), AS_OF)
        stored = list(s.scalars(select(Recommendation).where(Recommendation.kind == RECOMMENDATION_KIND)))
    assert prompts, "the burnout department's rising after-hours work prompts a conversation"
    burnout = _stories(detected)["burnout_department"]
    with session_scope(detected) as s:
        codes = dict(s.execute(select(OrgUnit.id, OrgUnit.code)).tuples().all())
        departments = {
            u.id: codes.get(u.parent_id or 0)
            for u in s.scalars(select(OrgUnit).where(OrgUnit.id.in_([p.org_unit_id for p in prompts])))
        }
    assert any(p.rule == "after_hours_rising" and departments[p.org_unit_id] == burnout for p in prompts)
    words = {w for name in names for w in name.split() if len(w) > 2}
    for prompt in prompts:
        text = json.dumps(prompt.as_dict())
        assert not [w for w in words if re.search(rf"\b{re.escape(w)}\b", text)], text
        assert prompt.evidence["n"] >= 5 and prompt.evidence["period"] and prompt.model_version
    assert {(r.org_unit_id, r.evidence["key"]) for r in stored} == {(p.org_unit_id, p.key) for p in prompts}
    assert all(r.assigned_role == "manager" and r.subject_person_id is None for r in stored)
    with session_scope(detected) as s:
        assert publish_coaching(s, Actor.system("test"), AS_OF) == [], "publishing again adds nothing"


def test_coaching_leaves_out_windows_people_asked_models_to_ignore(detected: str) -> None:
    """An annotated window with exclude_from_models is not a trend to coach on: when it covers a
    team's whole last quarter of after-hours work, that team's after-hours prompt goes away."""
    with session_scope(detected) as s:
        prompts = coaching_prompts(s, Actor.system("test"), AS_OF)
        target = next(p for p in prompts if p.rule == "after_hours_rising")
        annotate(
            s,
            _actor(detected, f"analyst@{EMAIL_DOMAIN}"),
            text="Year-end close, planned",
            category="workload",
            org_unit=target.unit_code,
            metric_key="after_hours",
            start=AS_OF - dt.timedelta(weeks=14),
            end=AS_OF,
        )
        after = coaching_prompts(s, Actor.system("test"), AS_OF)
        s.rollback()
    before = {(p.rule, p.org_unit_id) for p in prompts}
    assert ("after_hours_rising", target.org_unit_id) not in {(p.rule, p.org_unit_id) for p in after}
    assert before - {("after_hours_rising", target.org_unit_id)} == {(p.rule, p.org_unit_id) for p in after}
