"""The alignment gap: priority weights, the leaders group's protection, and the demo's perception gap."""

from __future__ import annotations

from peoplealign.accounts.users import find_user
from peoplealign.listening.alignment_gap import (
    EVIDENCE_SURVEY,
    LISTENING_PURPOSE,
    alignment_report,
    perception_gap,
    priority_weights,
)
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import Cell, Report
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.engine import session_scope


def test_priority_one_weighs_most() -> None:
    assert priority_weights([1, 2, 3]) == [1.0, 2 / 3, 1 / 3]


def test_leaders_below_k_are_suppressed_and_hidden_levels_never_pooled() -> None:
    cells = [
        Cell({"level": 1}, 40, 50.0, False, None),
        Cell({"level": 2}, 4, None, True, "fewer than 5 people"),
        Cell({"level": 3}, None, None, True, "fewer than 5 people"),
    ]
    levels, gaps = perception_gap({"Management Trust": Report(cells, 5)}, 5)
    assert levels == [2, 3] and gaps[0].suppressed and gaps[0].gap is None and gaps[0].leaders_n is None
    cells[1] = Cell({"level": 2}, 6, 90.0, False, None)
    _, gaps = perception_gap({"Management Trust": Report(cells, 5)}, 5)
    assert (gaps[0].leaders_n, gaps[0].gap) == (6, 40.0)


def test_demo_alignment_ranks_objectives_and_shows_the_leaders_perception_gap(demo_url: str) -> None:
    with session_scope(demo_url) as session:
        user = find_user(session, "executive@demo.peoplealign.example")
        assert user is not None
        actor = Actor.from_user(user)
        report = alignment_report(
            PersonalData(session, actor, "survey_reporting"), PersonalData(session, actor, LISTENING_PURPOSE)
        )
    assert report.evidence_source == EVIDENCE_SURVEY  # the demo's comments are not scored yet
    assert len(report.objectives) == 3
    gaps = [abs(o.gap) for o in report.objectives if o.gap is not None]
    assert gaps == sorted(gaps, reverse=True)
    for objective in report.objectives:
        assert objective.evidence and all(e.source == EVIDENCE_SURVEY for e in objective.evidence)
    perception = {p.driver: p for p in report.perception}
    for driver in ("Management Trust", "Burnout Risk & Workload"):
        gap = perception[driver]
        assert not gap.suppressed and gap.gap is not None and gap.gap > 20
        assert gap.leaders_n is not None and gap.leaders_n >= report.k
    assert report.perception[0].driver in {"Management Trust", "Burnout Risk & Workload", "Work-Life Balance"}
