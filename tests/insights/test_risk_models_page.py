"""The model cards page (charter view `models`) after the demo's flight-risk step: HR partners and
analysts read the card with its fairness verdict and the override; other roles are refused."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from peoplealign.demo.risk_step import DEMO_OVERRIDE, train_demo_flight_risk
from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Recommendation
from peoplealign.web.app import create_app

DOMAIN = "demo.peoplealign.example"


@pytest.fixture(scope="module")
def trained_demo(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    copy = tmp_path_factory.mktemp("risk-web") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    with session_scope(url) as session:
        assert train_demo_flight_risk(session) is not None
    with session_scope(url) as session:
        assert train_demo_flight_risk(session) is None  # `up` again: nothing retrained
    yield url


def sign_in(client: TestClient, email: str) -> None:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})


def test_demo_step_leaves_stay_interviews_for_the_hr_partner(trained_demo: str) -> None:
    with session_scope(trained_demo) as session:
        rows = session.scalars(select(Recommendation).where(Recommendation.kind == "stay_interview")).all()
    assert rows and {r.assigned_role for r in rows} == {"hr_partner"}


@pytest.mark.parametrize("role", ["hr_partner", "analyst"])
def test_models_page_shows_the_card(trained_demo: str, role: str) -> None:
    with TestClient(create_app(trained_demo), base_url="https://testserver") as client:
        sign_in(client, f"{role}@{DOMAIN}")
        page = client.get("/models")
        assert page.status_code == 200, page.text
        assert "flight_risk" in page.text and "Fairness gate" in page.text and 'href="/models"' in page.text
        assert "fitted by scikit-survival" in page.text  # the card names the library that fitted it
        if "failed" in page.text:
            assert DEMO_OVERRIDE[:40] in page.text
        cards = client.get("/api/v1/models").json()["cards"]
        assert cards[0]["status"] == "active" and cards[0]["quality"]["concordance"] > 0.6


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_models_page_is_refused_to_other_roles(trained_demo: str, role: str) -> None:
    with TestClient(create_app(trained_demo), base_url="https://testserver") as client:
        sign_in(client, f"{role}@{DOMAIN}")
        assert client.get("/models").status_code == 403
        assert client.get("/api/v1/models").status_code == 403
