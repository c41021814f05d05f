"""Well-being balance on the demo: the planted burnout department lands in the risky quadrant, the
figures agree with pandas, hidden teams keep their reason, rebalancing is team-level and idempotent."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import pytest
from insights_demo import DEMO_AS_OF
from sqlalchemy import func, select

from peoplealign.demo.names import EMAIL_DOMAIN
from peoplealign.demo.stories import SETTING_KEY
from peoplealign.insights.wellbeing import (
    RISKY,
    STANDARD_WEEK_HOURS,
    WellbeingReport,
    recommend_rebalancing,
    wellbeing_balance,
)
from peoplealign.policy.actor import Actor
from peoplealign.policy.data_version import touch
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import (
    ActivityWeek,
    AppSetting,
    AuditEvent,
    OrgUnit,
    Person,
    Recommendation,
    User,
)

HR = Actor("hr_partner@test", frozenset({"hr_partner"}))


@pytest.fixture(scope="module")
def report(demo: str):  # type: ignore[no-untyped-def]
    with session_scope(demo) as session:
        return wellbeing_balance(WorkforceData(session, HR, "wellbeing"), DEMO_AS_OF)


def _burnout_teams(url: str) -> set[str]:
    with session_scope(url) as session:
        code = session.get(AppSetting, SETTING_KEY).value["burnout_department"]  # type: ignore[union-attr]
        department = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
        return set(session.scalars(select(OrgUnit.name).where(OrgUnit.parent_id == department.id)))  # type: ignore[union-attr]


def test_the_burnout_department_is_in_the_risky_quadrant_and_alone_there(demo: str, report) -> None:  # type: ignore[no-untyped-def]
    burnout = _burnout_teams(demo)
    visible = [t for t in report.teams if t.team in burnout and not t.suppressed]
    assert len(visible) >= 3
    assert all(t.flagged and t.quadrant == RISKY for t in visible)
    assert {t.team for t in report.flagged} <= burnout
    assert report.teams[0].flagged


def test_team_figures_agree_with_pandas(demo: str, report) -> None:  # type: ignore[no-untyped-def]
    team = report.flagged[0]
    with sqlite3.connect(demo.removeprefix("sqlite:///")) as conn:
        weeks = pd.read_sql(
            "select a.* from activity_week a join person p on p.id = a.person_id "
            f"join org_unit u on u.id = p.org_unit_id where u.name = '{team.team}'",
            conn,
            parse_dates=["week_start"],
        )

    def rates(window: tuple[dt.date, dt.date]) -> tuple[float, float]:
        rows = weeks[
            (weeks.week_start >= pd.Timestamp(window[0])) & (weeks.week_start < pd.Timestamp(window[1]))
        ]
        contracted = STANDARD_WEEK_HOURS * len(rows) - rows.pto_hours.sum()
        return rows.output.sum() / contracted, rows.after_hours.sum() / rows.hours.sum()

    (eff_now, after_now), (eff_then, after_then) = (
        rates(report.windows.recent),
        rates(report.windows.baseline),
    )
    assert team.efficiency_change == pytest.approx(eff_now / eff_then - 1, abs=2e-3)
    assert team.markers["after_hours_share"] == pytest.approx(after_now - after_then, abs=2e-3)
    assert report.windows.baseline_kind == "the same quarter a year earlier"


def test_hidden_teams_keep_their_reason(report) -> None:  # type: ignore[no-untyped-def]
    hidden = [t for t in report.teams if t.suppressed]
    assert hidden and all(t.reason and t.efficiency_change is None and not t.flagged for t in hidden)
    assert all(t.n >= report.k for t in report.teams if not t.suppressed)


def test_rebalancing_is_team_level_and_idempotent(demo: str, report) -> None:  # type: ignore[no-untyped-def]
    with session_scope(demo) as session:
        first = recommend_rebalancing(WorkforceData(session, HR, "wellbeing"), report)
    with session_scope(demo) as session:
        again = recommend_rebalancing(WorkforceData(session, HR, "wellbeing"), report)
        rows = session.scalars(select(Recommendation).where(Recommendation.kind == "rebalance")).all()
        names = set(session.scalars(select(Person.name)))
    assert again == first and len(rows) == len(report.flagged)
    for row in rows:
        assert row.subject_person_id is None and row.org_unit_id is not None
        assert row.model_version == "wellbeing-balance/1" and row.evidence["stress_index"] >= 1
        assert not any(name in row.explanation for name in names)


def test_work_patterns_are_refused_to_employees(demo: str) -> None:
    employee = Actor("employee@test", frozenset({"employee"}))
    with pytest.raises(PolicyDenied, match="Work patterns"), session_scope(demo) as session:
        wellbeing_balance(WorkforceData(session, employee, "wellbeing"), DEMO_AS_OF)


def test_wellbeing_report_command_recommends_once(demo: str) -> None:
    import json

    from typer.testing import CliRunner

    from peoplealign.cli.app import app

    args = ["wellbeing", "report", "--db", demo, "--as-of", DEMO_AS_OF.isoformat(), "--format", "json"]
    runs = [
        CliRunner().invoke(app, [*args, "--as", "hr_partner@demo.peoplealign.example", "--recommend"])
        for _ in (1, 2)
    ]
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    first, second = (json.loads(r.stdout) for r in runs)
    assert first["recommendations"] == second["recommendations"] and first["recommendations"]
    assert first["windows"]["baseline_kind"] == "the same quarter a year earlier"


def _balance(url: str, actor: Actor) -> WellbeingReport:
    with session_scope(url) as session:
        return wellbeing_balance(WorkforceData(session, actor, "wellbeing"), DEMO_AS_OF)


def _activity_reads(url: str, actor: Actor) -> int:
    with session_scope(url) as session:
        events = select(func.count(AuditEvent.id)).where(
            AuditEvent.actor == actor.email, AuditEvent.resource == "activity"
        )
        return session.scalar(events) or 0


def test_the_shared_team_figures_follow_the_audience_and_the_data(demo: str) -> None:
    """The per-team arithmetic is shared only between calls released the same figures: a manager never
    gets the organisation's teams, every call still reads (and audits) the work patterns, and new
    data is shown at once. (Last in the module: it changes the demo's work patterns.)"""
    with session_scope(demo) as session:
        user = session.scalars(select(User).where(User.email == f"manager@{EMAIL_DOMAIN}")).one()
        manager = Actor.from_user(user)
    reads = _activity_reads(demo, HR)
    organisation = _balance(demo, HR)
    own = _balance(demo, manager)
    assert _balance(demo, HR).teams == organisation.teams
    assert _activity_reads(demo, HR) == reads + 2 * 2  # two reads per call, cached or not
    shown = {t.team for t in own.teams if not t.suppressed}
    assert shown and shown < {t.team for t in organisation.teams if not t.suppressed}
    changed = organisation.flagged[0]
    with session_scope(demo) as session:
        team = select(Person.id).where(Person.org_unit_id == changed.team_id)
        recent = ActivityWeek.week_start >= organisation.windows.recent[0]
        for week in session.scalars(select(ActivityWeek).where(ActivityWeek.person_id.in_(team), recent)):
            week.output = 2 * (week.output or 0.0)
        touch(session)
    again = next(t for t in _balance(demo, HR).teams if t.team == changed.team)
    assert again.efficiency_change != changed.efficiency_change
