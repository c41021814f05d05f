"""The persona homes in Chromium: cards readable at 1280 px and at phone width (390 px) without
sideways scrolling, and a keyboard user reaches the skip link first and lands in the content."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.parametrize("role", ["employee", "executive"])
def test_cards_fit_a_phone(sign_in: Callable[..., Any], screenshots: Path, role: str) -> None:
    page = sign_in(role, width=390)
    cards = page.locator("li.card")
    assert cards.count() >= 3
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, "no horizontal scrolling at phone width"
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first and second and second["y"] > first["y"], "one card per row on a phone"
    assert re.search(r"\d", page.locator("#card-engagement").inner_text())
    page.screenshot(path=str(screenshots / f"home-cards-{role}-phone.png"), full_page=True)
    page.close()


def test_cards_share_rows_at_desktop_width(sign_in: Callable[..., Any], screenshots: Path) -> None:
    page = sign_in("executive", width=1280)
    first, second = (
        page.locator("li.card").nth(0).bounding_box(),
        page.locator("li.card").nth(1).bounding_box(),
    )
    assert first and second and second["y"] == first["y"] and second["x"] > first["x"]
    page.screenshot(path=str(screenshots / "home-cards-executive.png"), full_page=True)
    page.close()


def test_keyboard_users_reach_the_skip_link_first_and_land_in_the_content(
    sign_in: Callable[..., Any], live_url: str
) -> None:
    page = sign_in("manager", width=390)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0, "the skip link shows when focused"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside = page.evaluate("document.activeElement.closest('main') !== null")
    assert inside, "the next Tab stays in the content, past the navigation"
    page.close()
