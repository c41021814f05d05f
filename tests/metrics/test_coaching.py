"""Coaching rules on their own: when a change is big enough, and what a prompt says about it."""

from __future__ import annotations

import datetime as dt

from peoplealign.metrics.coaching import RULES, WORK_PATTERN_SOURCE, Change, prompt_for, triggered

PERIOD = (dt.date(2026, 8, 18), dt.date(2026, 11, 16))
BASELINE = (dt.date(2025, 8, 18), dt.date(2025, 11, 16))


def _change(before: float, after: float, source: str = WORK_PATTERN_SOURCE) -> Change:
    return Change(7, before, after, 12, PERIOD, BASELINE, source)


def test_a_rule_needs_a_relative_and_an_absolute_change_in_its_direction() -> None:
    rising = RULES["after_hours_rising"]
    assert triggered(rising, _change(0.05, 0.08))
    assert not triggered(rising, _change(0.05, 0.055)), "10% more is not enough"
    assert not triggered(rising, _change(0.001, 0.005)), "a big ratio of tiny shares is not enough"
    assert not triggered(rising, _change(0.08, 0.05)), "falling after-hours work needs no conversation"
    falling = RULES["time_off_falling"]
    assert triggered(falling, _change(3.0, 1.4)) and not triggered(falling, _change(1.4, 3.0))


def test_the_workload_comment_prompt_reads_like_the_charter_example() -> None:
    change = _change(0.20, 0.26, "engagement-2026-04 to engagement-2026-10")
    rule = RULES["workload_comments_rising"]
    assert triggered(rule, change)
    prompt = prompt_for(rule, change, ("SAL", "Sales"), PERIOD[1])
    assert prompt.title.startswith("Workload comments in Sales rose from 20% to 26%")
    assert "(+30%)" in prompt.title and "engagement-2026-04 to engagement-2026-10" in prompt.title
    assert prompt.action.startswith("consider a priorities conversation")
    assert prompt.evidence["n"] == 12 and prompt.evidence["source"] == "survey comments"
    assert prompt.key == "workload_comments_rising:SAL:2026-11-16"
    assert prompt.as_dict()["dated"] == "2026-11-16" and prompt.model_version
