"""Skill gaps on the demo: the planted strategic skill ranks first, counts agree with pandas, small
cells are hidden, recommendations are idempotent and the charter refuses readers without access."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import pytest
from insights_demo import DEMO_AS_OF
from sqlalchemy import func, select

from peoplealign.demo.stories import SETTING_KEY
from peoplealign.insights.skills import WORKING_LEVEL, recommend_development, skill_gaps
from peoplealign.policy.actor import Actor
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AppSetting, AuditEvent, Recommendation

ANALYST = Actor("analyst@test", frozenset({"analyst"}))


@pytest.fixture(scope="module")
def report(demo: str):  # type: ignore[no-untyped-def]
    with session_scope(demo) as session:
        return skill_gaps(WorkforceData(session, ANALYST, "workforce_planning"), DEMO_AS_OF)


def _frame(url: str, query: str) -> pd.DataFrame:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return pd.read_sql(query, conn)


def test_the_planted_strategic_skill_ranks_first_with_a_growing_gap(demo: str, report) -> None:  # type: ignore[no-untyped-def]
    with session_scope(demo) as session:
        planted = session.get(AppSetting, SETTING_KEY).value["strategic_skill"]  # type: ignore[union-attr]
    top = report.ranked[0]
    assert top.skill == planted
    assert top.source == "strategic demand"
    assert top.trend_per_quarter > 0
    assert top.score > 2 * report.ranked[1].score
    assert "LP-MLE" in top.explanation()


def test_strategic_gap_agrees_with_pandas(demo: str, report) -> None:  # type: ignore[no-untyped-def]
    top = report.ranked[0]
    held = _frame(
        demo,
        "select ps.proficiency, p.hire_date, p.exit_date from person_skill ps "
        "join person p on p.id = ps.person_id join skill s on s.id = ps.skill_id "
        f"where s.code = '{top.skill}'",
    )
    active = held[
        (pd.to_datetime(held.hire_date) <= pd.Timestamp(DEMO_AS_OF))
        & (held.exit_date.isna() | (pd.to_datetime(held.exit_date) > pd.Timestamp(DEMO_AS_OF)))
    ]
    supply = int((active.proficiency >= WORKING_LEVEL).sum())
    demand = _frame(
        demo,
        "select d.period_start, d.demand_fte from skill_demand d join skill s on s.id = d.skill_id "
        f"where s.code = '{top.skill}' order by d.period_start",
    )
    latest = float(demand.demand_fte.iloc[-1])
    assert top.supply == supply
    assert top.demand == latest
    assert top.gap == pytest.approx(latest - supply, abs=0.05)
    assert len(top.demand_history) == len(demand)


def test_team_cells_under_k_are_hidden_with_their_reason(report) -> None:  # type: ignore[no-untyped-def]
    hidden = [g for g in report.gaps if g.suppressed]
    assert hidden
    assert all(g.reason and g.gap is None and g.score is None for g in hidden)
    assert all(
        g.demand is None or g.demand >= report.k
        for g in report.gaps
        if g.source == "role requirements" and not g.suppressed
    )


def test_development_recommendations_are_idempotent(demo: str) -> None:
    with session_scope(demo) as session:
        reader = WorkforceData(session, ANALYST, "development")
        first = recommend_development(reader, skill_gaps(reader, DEMO_AS_OF))
    with session_scope(demo) as session:
        session.get(Recommendation, first[1]).status = "dismissed"  # type: ignore[union-attr]
    with session_scope(demo) as session:
        reader = WorkforceData(session, ANALYST, "development")
        again = recommend_development(reader, skill_gaps(reader, DEMO_AS_OF))
        rows = session.scalars(select(Recommendation).where(Recommendation.kind == "development")).all()
        assert again == first
        assert len(rows) == len(first) == 5
        top = session.get(Recommendation, first[0])
        assert top is not None and top.assigned_role == "hr_partner" and top.model_version == "skill-gaps/1"
        assert top.subject_person_id is None and top.evidence["programs"]
        assert session.get(Recommendation, first[1]).status == "dismissed"  # type: ignore[union-attr]


def test_readers_without_skills_access_are_refused_and_audited(demo: str) -> None:
    employee = Actor("employee@test", frozenset({"employee"}))
    with pytest.raises(PolicyDenied, match="aggregate_access"), session_scope(demo) as session:
        skill_gaps(WorkforceData(session, employee, "workforce_planning"), DEMO_AS_OF)
    with pytest.raises(PolicyDenied, match="purposes"), session_scope(demo) as session:
        skill_gaps(WorkforceData(session, ANALYST, "retention_conversation"), DEMO_AS_OF)
    with session_scope(demo) as session:
        denied = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.outcome == "denied", AuditEvent.resource == "skills")
        )
        assert denied == 2


def test_the_report_is_as_of_a_day(report) -> None:  # type: ignore[no-untyped-def]
    assert report.as_of == dt.date(2026, 11, 16)
    assert report.as_dict()["gaps"][0]["skill"] == report.ranked[0].skill


def test_skills_gaps_command(demo: str) -> None:
    import json

    from typer.testing import CliRunner

    from peoplealign.cli.app import app

    args = ["skills", "gaps", "--db", demo, "--as-of", DEMO_AS_OF.isoformat()]
    result = CliRunner().invoke(app, [*args, "--as", "analyst@demo.peoplealign.example", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["gaps"][0]["skill"] == "ml-engineering" and payload["recommendations"] == []
    refused = CliRunner().invoke(app, [*args, "--as", "employee@demo.peoplealign.example"])
    assert refused.exit_code == 4 and "Skills and learning" in refused.output


def test_plans_for_a_department_and_a_team_compare_with_that_unit_s_people(demo_url: str) -> None:
    from peoplealign.store.models import OrgUnit, Skill, SkillDemand

    with session_scope(demo_url) as session:
        skill = session.scalar(select(Skill).where(Skill.code == "data-engineering"))
        department = session.scalar(select(OrgUnit).where(OrgUnit.code == "DAT"))
        team = session.scalar(
            select(OrgUnit).where(OrgUnit.parent_id == department.id).order_by(OrgUnit.code)  # type: ignore[union-attr]
        )
        for unit in (department, team):
            session.add(
                SkillDemand(
                    skill_id=skill.id, org_unit_id=unit.id, period_start=dt.date(2026, 10, 1), demand_fte=40.0
                )
            )  # type: ignore[union-attr]
        labels = {department.id: department.name, team.id: team.name}  # type: ignore[union-attr]
    held = _frame(
        demo_url,
        "select coalesce(d.id, u.id) as department_id, u.id as unit_id from person_skill ps "
        "join person p on p.id = ps.person_id join skill s on s.id = ps.skill_id "
        "join org_unit u on u.id = p.org_unit_id "
        "left join org_unit d on d.id = u.parent_id and d.kind = 'department' "
        "where s.code = 'data-engineering' and p.exit_date is null and ps.proficiency >= 3",
    )
    with session_scope(demo_url) as session:
        plans = [
            g
            for g in skill_gaps(WorkforceData(session, ANALYST, "workforce_planning"), DEMO_AS_OF).gaps
            if g.skill == "data-engineering" and g.source == "strategic demand" and g.unit_id in labels
        ]
    assert {g.unit for g in plans} == set(labels.values())
    for gap in plans:
        column = "department_id" if gap.unit == labels[department.id] else "unit_id"  # type: ignore[union-attr]
        if gap.suppressed:
            assert gap.reason and gap.gap is None
        else:
            assert gap.supply == int((held[column] == gap.unit_id).sum())
            assert gap.gap == pytest.approx(40.0 - gap.supply)
