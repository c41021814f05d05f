"""The executive's journey through the alignment gap in a real browser: sign in, open the alignment
page from the navigation, read the top gap and open its evidence; then drill into a theme's quotes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_executive_reads_the_top_gap_and_its_evidence(sign_in: Callable[..., Any], screenshots: Path) -> None:
    page = sign_in("executive")

    page.locator("nav.main-nav").get_by_role("link", name="Alignment").click()
    page.wait_for_url(re.compile(r"/alignment$"))
    assert page.get_by_role("heading", name="Do our priorities match what employees are concerned about?")
    page.locator("#alignment-figure ~ *, [data-plotly-figure='alignment-figure'] .main-svg").first.wait_for()

    top = page.locator("ol.gap-list > li").first
    gap = top.locator(".gap__value").inner_text()
    assert re.fullmatch(r"gap [+-]\d\.\d\d", gap), gap
    evidence = top.locator("details.evidence")
    assert not evidence.locator("table").is_visible()
    evidence.locator("summary").click()
    table = evidence.locator("table")
    table.wait_for(state="visible")
    assert re.search(r"\d", table.inner_text()), "the evidence holds figures"
    top.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "alignment-executive.png"), full_page=True)

    page.get_by_role("link", name="Themes").click()
    page.wait_for_url(re.compile(r"/listening$"))
    page.get_by_role("button", name="Read typical quotes").first.click()
    page.locator(".quotes").first.wait_for()
    assert "names and contact details removed" in page.locator(".quotes").first.inner_text()
    page.screenshot(path=str(screenshots / "listening-themes-executive.png"), full_page=True)
    page.close()
