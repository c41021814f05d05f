"""Every demo persona signs in through a real browser, sees a home page with real numbers and only
the navigation the charter allows, and can open the Data Ethics Statement."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROLES = ["employee", "manager", "hr_partner", "analyst", "executive", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_persona_signs_in_and_reads_the_ethics_statement(
    sign_in: Callable[..., Any], screenshots: Path, role: str
) -> None:
    page = sign_in(role)
    main = page.locator("main")
    assert re.search(r"\d", main.inner_text()), "the home page shows real figures"
    page.screenshot(path=str(screenshots / f"home-{role}.png"), full_page=True)
    nav = page.locator("nav").inner_text().lower()
    if role == "employee":
        assert "api" not in nav, "employees are not offered analyst tools"
    page.get_by_role("link", name=re.compile("ethics", re.I)).first.click()
    page.wait_for_url(re.compile(r"/ethics"))
    text = page.locator("main").inner_text()
    assert "Survey answers" in text and "Employee records" in text
    page.screenshot(path=str(screenshots / f"ethics-{role}.png"), full_page=True)
    page.close()


def test_home_works_at_phone_width(sign_in: Callable[..., Any], screenshots: Path) -> None:
    page = sign_in("manager", width=390)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, "no horizontal scrolling at phone width"
    page.screenshot(path=str(screenshots / "home-manager-phone.png"), full_page=True)
    page.close()


def test_sign_out_ends_the_session(sign_in: Callable[..., Any], live_url: str) -> None:
    page = sign_in("analyst")
    page.get_by_role("button", name=re.compile("sign out|log out", re.I)).click()
    page.goto(f"{live_url}/")
    assert "/login" in page.url
    page.close()
