"""The demo manager signs in, opens their context requests, explains the flagged sprint week and
sees it marked explained; then reads their coaching prompts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_manager_adds_context_to_the_flagged_anomaly(sign_in: Callable[..., Any], screenshots: Path) -> None:
    page = sign_in("manager")
    page.locator("nav").get_by_role("link", name="Context requests").click()
    page.wait_for_url(re.compile(r"/context"))
    waiting = page.get_by_role("heading", name=re.compile(r"Waiting for your context \(\d+\)"))
    assert int(re.findall(r"\d+", waiting.inner_text())[0]) >= 1, "the sprint week waits for context"
    page.screenshot(path=str(screenshots / "context-requests-manager.png"), full_page=True)
    form = page.locator("form.form").filter(has=page.get_by_label("What happened?")).first
    form.get_by_label("What kind of event was it?").select_option("planned_event")
    form.get_by_label("What happened?").fill("A brainstorming sprint, not low productivity.")
    form.get_by_role("button", name="Add context").click()
    page.wait_for_url(re.compile(r"/context\?saved=\d+"))
    assert page.get_by_role("status").filter(has_text="4 flags marked explained").count() == 1, (
        "both weeks, both signals"
    )
    explained = page.locator("#answered").inner_text()
    assert "brainstorming sprint" in explained and "explained" in explained
    page.screenshot(path=str(screenshots / "context-explained-manager.png"), full_page=True)
    page.locator("nav").get_by_role("link", name="Coaching").click()
    page.wait_for_url(re.compile(r"/coaching"))
    assert page.get_by_role("heading", name="Coaching prompts").count() == 1
    page.close()
