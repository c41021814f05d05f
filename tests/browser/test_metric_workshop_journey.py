"""The demo manager signs in, opens the metric workshop from the navigation and votes on a metric
still in review; the analyst's dashboard shows only the agreed metrics."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_manager_votes_in_a_workshop(sign_in: Callable[..., Any], screenshots: Path) -> None:
    page = sign_in("manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workshops").click()
    page.wait_for_url(re.compile(r"/workshops$"))
    page.get_by_role("link", name="Core KPIs for next year").click()
    page.get_by_role("link", name=re.compile("Review and vote on Internal mobility rate")).click()
    page.wait_for_url(re.compile(r"/workshops/\d+/metrics/\d+$"))
    page.get_by_label("Approve").check()
    page.get_by_label(re.compile(r"4 · Mostly")).check()
    page.get_by_label("Comment").fill("Moving between teams is how people grow here.")
    page.screenshot(path=str(screenshots / "workshop-review-manager.png"), full_page=True)
    page.get_by_role("button", name="Submit review").click()
    page.wait_for_url(re.compile(r"/workshops/\d+\?done=voted"))
    assert "Your vote on internal_mobility" in page.get_by_role("status").inner_text()
    assert "Your vote: approve" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshots / "workshop-manager.png"), full_page=True)
    page.close()


def test_analyst_dashboard_shows_agreed_metrics(sign_in: Callable[..., Any], screenshots: Path) -> None:
    page = sign_in("analyst")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Metrics").click()
    page.wait_for_url(re.compile(r"/metrics$"), timeout=90_000)
    headings = page.locator("main h2").all_inner_texts()
    assert any("Retention" in h for h in headings) and not any("Internal mobility" in h for h in headings)
    page.wait_for_selector(".chart__plot .main-svg")
    page.screenshot(path=str(screenshots / "metrics-analyst.png"), full_page=True)
    page.locator('a[href="/metrics/definitions/burnout_risk_index"]').click()
    page.wait_for_url(re.compile(r"/metrics/definitions/burnout_risk_index$"))
    assert "window_days" in page.locator("main").inner_text()
    page.close()
