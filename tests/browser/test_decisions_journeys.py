"""Human in the loop and transparency in a real browser: an HR partner turns a stay-interview
recommendation into a conversation and records what came of it; an employee reads the ethics
statement, sees who looked at their record and downloads everything held about them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from peoplealign.demo.names import EMAIL_DOMAIN
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Recommendation, User

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLE = "Offer a stay interview (browser journey)"


@pytest.fixture(scope="module")
def stay_interview(live_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A stay-interview recommendation about the demo employee, unless the demo already has one open."""
    found = sorted(tmp_path_factory.getbasetemp().glob("live*/demo.db"))
    assert found, "the live server's database copy"
    url = f"sqlite:///{found[-1]}"
    with session_scope(url) as session:
        employee = session.scalars(select(User).where(User.email == f"employee@{EMAIL_DOMAIN}")).one()
        session.add(
            Recommendation(
                kind="stay_interview",
                subject_person_id=employee.person_id,
                title=TITLE,
                explanation="The estimated chance of leaving within a year rose from 12% to 38%.",
                evidence={"risk": 0.38, "top_factors": ["no promotion in 4 years", "after-hours work up"]},
                model_version="flight-risk-journey",
            )
        )
    return TITLE


def test_hr_partner_accepts_a_stay_interview_and_records_its_outcome(
    sign_in: Callable[..., Any], screenshots: Path, stay_interview: str
) -> None:
    page = sign_in("hr_partner")
    page.get_by_role("link", name="Recommendations").click()
    page.wait_for_url(re.compile(r"/decisions/queue"))
    page.get_by_role("link", name=re.compile("stay interview")).click()
    page.wait_for_url(re.compile(r"kind=stay_interview"))
    card = page.locator("article", has=page.get_by_role("heading", name=stay_interview))
    assert "flight-risk-journey" in card.inner_text(), "the model version is shown"
    card.get_by_text("Evidence").click()
    assert "no promotion in 4 years" in card.inner_text(), "and the evidence"
    page.screenshot(path=str(screenshots / "queue-hr_partner.png"), full_page=True)
    card.get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(r"done="))
    card = page.locator("article", has=page.get_by_role("heading", name=stay_interview))
    assert "accepted" in card.inner_text()
    card.get_by_label("Outcome").fill("Stay interview held; agreed a move to the data team in January.")
    card.get_by_role("button", name="Record outcome").click()
    page.wait_for_url(re.compile(r"done="))
    closed = page.locator("article", has=page.get_by_role("heading", name=stay_interview))
    assert "agreed a move to the data team" in closed.inner_text() and "done" in closed.inner_text()
    page.screenshot(path=str(screenshots / "queue-outcome-recorded.png"), full_page=True)
    page.close()


def test_employee_reads_the_ethics_statement_sees_their_access_log_and_exports(
    sign_in: Callable[..., Any], screenshots: Path, tmp_path: Path
) -> None:
    page = sign_in("employee")
    page.get_by_role("link", name=re.compile("ethics", re.I)).first.click()
    page.wait_for_url(re.compile(r"/ethics"))
    assert "Survey answers" in page.locator("main").inner_text()
    page.get_by_role("link", name="My data").click()
    page.wait_for_url(re.compile(r"/my-data"))
    main = page.locator("main").inner_text()
    assert "never linked back to you" in main
    log = page.locator("#access-log")
    assert f"manager@{EMAIL_DOMAIN}" in log.inner_text(), "the manager's check-in is in the access log"
    page.screenshot(path=str(screenshots / "my-data-employee.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("download", re.I)).click()
    saved = tmp_path / "my-data.json"
    download.value.save_as(saved)
    export = json.loads(saved.read_text("utf-8"))
    assert export["profile"]["email"] and export["records"]["skills"]
    assert export["check_ins"] and export["access_log"]
    page.get_by_role("link", name="Town hall").click()
    page.wait_for_url(re.compile(r"/town-hall"))
    assert "Leadership answered" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshots / "town-hall-employee.png"), full_page=True)
    page.close()
