"""WorkforceData on both backends: cells per org unit with k-suppression and differencing
protection, values summed inside the policy layer, reads audited, wrong purposes refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from peoplealign.policy.actor import Actor
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import (
    ActivityWeek,
    AuditEvent,
    OrgUnit,
    Person,
    PersonSkill,
    Recommendation,
    RoleRequirement,
    Skill,
)

WEEK = dt.date(2026, 3, 2)
# team -> (people, of whom left in 2026)
TEAMS = {"A": (8, 5), "B": (6, 0), "C": (3, 1)}
ANALYST = Actor("analyst@test", frozenset({"analyst"}))


def build(url: str) -> None:
    with session_scope(url) as s:
        company = OrgUnit(code="ACME", name="Acme", kind="company")
        s.add(company)
        s.flush()
        eng = OrgUnit(code="ENG", name="Eng", kind="department", parent_id=company.id)
        s.add(eng)
        skill = Skill(code="py", name="Python")
        s.add(skill)
        s.flush()
        s.add(RoleRequirement(job_title="Dev", skill_id=skill.id, required_proficiency=3))
        for code, (size, leavers) in TEAMS.items():
            unit = OrgUnit(code=code, name=f"Team {code}", kind="team", parent_id=eng.id)
            s.add(unit)
            s.flush()
            for i in range(size):
                left = dt.date(2026, 6, 1) if i < leavers else None
                person = Person(
                    hris_id=f"{code}{i}",
                    name=f"{code} {i}",
                    org_unit_id=unit.id,
                    job_title="Dev",
                    level=2,
                    salary=50_000.0,
                    hire_date=dt.date(2020, 1, 1),
                    exit_date=left,
                )
                s.add(person)
                s.flush()
                s.add(
                    ActivityWeek(
                        person_id=person.id, week_start=WEEK, hours=40.0, after_hours=2.0, output=10.0
                    )
                )
                s.add(PersonSkill(person_id=person.id, skill_id=skill.id, proficiency=4 if i % 2 else 2))


@pytest.fixture
def org(db_url: str) -> str:
    build(db_url)
    return db_url


def test_activity_cells_are_k_suppressed_per_team_and_audited(org: str) -> None:
    with session_scope(org) as s:
        this_week, next_week = WorkforceData(s, ANALYST, "wellbeing").activity_cells(
            [
                (WEEK, WEEK + dt.timedelta(days=7)),
                (WEEK + dt.timedelta(days=7), WEEK + dt.timedelta(days=14)),
            ],
            ("org_unit",),
        )
    cells = {c.group["org_unit"]: c for c in this_week["hours"].cells}
    # One decision for both windows: the same cells, even where a window has no weeks.
    assert [c.group for c in next_week["hours"].cells] == [c.group for c in this_week["hours"].cells]
    assert all(c.value == 0.0 for c in next_week["hours"].cells if not c.suppressed)
    assert cells["Team C"].suppressed and cells["Team C"].reason == "fewer than 5 people"
    visible = [c for c in cells.values() if not c.suppressed]
    assert visible and all(c.n >= 5 for c in visible)
    for cell in visible:
        size = TEAMS[str(cell.group["org_unit"])[-1]][0]
        assert cell.value == 40.0 * size
    with session_scope(org) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.resource == "activity")).one()
    assert event.outcome == "allowed" and event.purpose == "wellbeing" and event.actor == ANALYST.email


def test_departure_cells_never_reveal_a_small_group_of_leavers(org: str) -> None:
    with session_scope(org) as s:
        reader = WorkforceData(s, ANALYST, "org_reporting")
        total = reader.departure_cells(dt.date(2026, 1, 1), dt.date(2027, 1, 1), lambda level, salary: salary)
        teams = reader.departure_cells(
            dt.date(2026, 1, 1), dt.date(2027, 1, 1), lambda level, salary: salary, ("org_unit",)
        )
    whole = total["departures"].cells[0]
    cells = {c.group["org_unit"]: c for c in teams["departures"].cells}
    assert cells["Team C"].suppressed
    # 6 leavers in all, 5 of them in Team A: showing both would reveal Team C's one leaver.
    assert whole.suppressed or cells["Team A"].suppressed
    shown = [c for c in [whole, *cells.values()] if not c.suppressed]
    assert all(c.value is not None and c.value >= 5 for c in shown)


def test_skill_cells_count_supply_and_unmet_requirements(org: str) -> None:
    with session_scope(org) as s:
        (python,) = WorkforceData(s, ANALYST, "development").skill_cells((), as_of=dt.date(2026, 11, 1))
    active = sum(size - leavers for size, leavers in TEAMS.values())
    total = {name: report.cells[0].value for name, report in python.reports.items()}
    held = sum(1 for size, leavers in TEAMS.values() for i in range(leavers, size) if i % 2)
    assert total == {"supply": held, "required": active, "unmet": active - held}


def test_a_purpose_the_charter_does_not_list_is_refused(org: str) -> None:
    with pytest.raises(PolicyDenied, match="purposes"), session_scope(org) as s:
        WorkforceData(s, ANALYST, "listening").activity_cells([(WEEK, WEEK + dt.timedelta(days=7))])
    with session_scope(org) as s:
        denied = s.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).one()
    assert denied.resource == "activity" and denied.purpose == "listening"


def test_initiatives_count_for_their_unit_and_a_person_s_for_the_person_s_unit(org: str) -> None:
    acted = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    with session_scope(org) as s:
        team_a, team_b = (s.scalar(select(OrgUnit.id).where(OrgUnit.code == c)) for c in ("A", "B"))
        someone_in_b = s.scalar(select(Person.id).where(Person.hris_id == "B0"))
        s.add_all(
            [
                Recommendation(
                    kind="rebalance",
                    org_unit_id=team_a,
                    title="t",
                    explanation="e",
                    status="done",
                    acted_at=acted,
                ),
                Recommendation(
                    kind="stay_interview",
                    subject_person_id=someone_in_b,
                    title="t",
                    explanation="e",
                    status="accepted",
                    acted_at=acted + dt.timedelta(days=3),
                ),
                Recommendation(
                    kind="rebalance", org_unit_id=team_b, title="t", explanation="e", status="open"
                ),
            ]
        )
    with session_scope(org) as s:
        starts = WorkforceData(s, ANALYST, "org_reporting").initiative_starts(
            ("rebalance", "stay_interview"), ("accepted", "done")
        )
    assert starts == {team_a: dt.date(2026, 2, 1), team_b: dt.date(2026, 2, 4)}
