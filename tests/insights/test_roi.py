"""People ROI on the demo: costs agree with pandas, small groups of leavers are hidden, only the
roles the charter names may read it (a manager, if allowed, only their line), and the bootstrap is
reproducible and contains its point estimate."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd
import pytest
from insights_demo import DEMO_AS_OF
from sqlalchemy import select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.errors import InvalidInputError, PermissionDeniedError
from peoplealign.insights.roi import roi_report
from peoplealign.insights.turnover_cost import (
    DEFAULT_MODEL,
    load_cost_model,
    parse_cost_model,
    save_cost_model,
)
from peoplealign.insights.wellbeing import recommend_rebalancing, wellbeing_balance
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument, load_default
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.scope import manager_map, subtree
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, Recommendation, User

EXECUTIVE = Actor("executive@test", frozenset({"executive"}))


@pytest.fixture(scope="module")
def demo(demo: str) -> str:
    """The demo with three rebalancing recommendations acted on in March 2026."""
    with session_scope(demo) as session:
        reader = WorkforceData(session, Actor("hr@test", frozenset({"hr_partner"})), "wellbeing")
        ids = recommend_rebalancing(reader, wellbeing_balance(reader, DEMO_AS_OF))
        for row in session.scalars(select(Recommendation).where(Recommendation.id.in_(ids[:3]))):
            row.status, row.acted_at = "done", dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    return demo


@pytest.fixture(scope="module")
def report(demo: str):  # type: ignore[no-untyped-def]
    with session_scope(demo) as session:
        return roi_report(session, EXECUTIVE, DEMO_AS_OF, samples=500)


def _leavers(url: str) -> pd.DataFrame:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        people = pd.read_sql(
            "select p.id, p.manager_id, p.level, p.salary, p.exit_date, "
            "coalesce(d.name, u.name) as department from person p join org_unit u on u.id = p.org_unit_id "
            "left join org_unit d on d.id = u.parent_id and d.kind = 'department' "
            "where p.exit_date is not null",
            conn,
            parse_dates=["exit_date"],
        )
    start = pd.Timestamp(DEMO_AS_OF - dt.timedelta(days=365))
    return people[(people.exit_date >= start) & (people.exit_date < pd.Timestamp(DEMO_AS_OF))]


def _cost(row: pd.Series) -> float:
    if row.level >= 7:
        return row.salary * 2.13
    return row.salary * (0.16 if row.salary < 30_000 else 0.20 if row.salary < 75_000 else 0.21)


def test_costs_agree_with_an_independent_pandas_computation(demo: str, report) -> None:  # type: ignore[no-untyped-def]
    leavers = _leavers(demo)
    leavers["cost"] = leavers.apply(_cost, axis=1)
    assert report.total.departures == len(leavers)
    assert report.total.cost == pytest.approx(leavers.cost.sum(), abs=0.01)
    expected = leavers.groupby("department").agg(n=("id", "size"), cost=("cost", "sum"))
    visible = [c for c in report.by_department if not c.suppressed]
    assert visible
    for cell in visible:
        department = cell.group["department"]
        assert cell.departures == expected.loc[department, "n"]
        assert cell.cost == pytest.approx(expected.loc[department, "cost"], abs=0.01)


def test_groups_of_fewer_than_k_leavers_are_hidden(report) -> None:  # type: ignore[no-untyped-def]
    cells = report.by_department + report.by_org_unit
    assert any(c.suppressed for c in cells)
    assert all(c.departures >= report.k for c in cells if not c.suppressed)
    assert all(c.cost is None and c.reason for c in cells if c.suppressed)


def test_the_cost_model_cites_its_source_and_can_be_replaced(demo: str) -> None:
    assert "Center for American Progress" in DEFAULT_MODEL.source and "213%" in DEFAULT_MODEL.source
    with pytest.raises(InvalidInputError, match="open band"):
        parse_cost_model({"bands": [{"up_to": 50_000, "share": 0.2}], "source": "x"})
    analyst = Actor("analyst@test", frozenset({"analyst"}))
    with pytest.raises(PermissionDeniedError), session_scope(demo) as session:
        save_cost_model(session, EXECUTIVE, {"bands": [{"up_to": None, "share": 0.1}], "source": "x"})
    own = {
        "bands": [{"up_to": None, "share": 0.5}],
        "source": "our 2025 hiring costs",
        "executive_min_level": None,
    }
    with session_scope(demo) as session:
        save_cost_model(session, analyst, own)
        model = load_cost_model(session)
        assert model.configured and model.cost(8, 100_000.0) == 50_000.0
        costly = roi_report(session, EXECUTIVE, DEMO_AS_OF, samples=200)
        session.rollback()
    leavers = _leavers(demo)
    assert costly.total.cost == pytest.approx(0.5 * leavers.salary.sum(), abs=0.01)


def test_employees_and_managers_cannot_open_roi_and_are_audited(demo: str) -> None:
    for role in ("employee", "manager"):
        with pytest.raises(PolicyDenied, match="People ROI view"), session_scope(demo) as session:
            roi_report(session, Actor(f"{role}@test", frozenset({role})), DEMO_AS_OF)
    with session_scope(demo) as session:
        refused = session.scalars(select(AuditEvent.actor).where(AuditEvent.outcome == "denied")).all()
    assert {"employee@test", "manager@test"} <= set(refused)


def test_a_manager_the_charter_allows_sees_only_their_own_line(demo: str) -> None:
    document = load_default().as_dict()
    document["audiences"]["manager"]["views"].append("roi")
    charter = CharterDocument(document)
    leavers = _leavers(demo)
    with session_scope(demo) as session:
        person = leavers.manager_id.value_counts().index[0]
        line = subtree(manager_map(session), int(person))
        manager = Actor("manager@test", frozenset({"manager"}), person_id=int(person))
        mine = roi_report(session, manager, DEMO_AS_OF, samples=200, charter=charter)
    expected = int(leavers.id.isin(line).sum())
    total = mine.total
    assert total.suppressed or total.departures == expected
    assert all(c.departures <= expected for c in mine.by_department + mine.by_org_unit if not c.suppressed)


def test_bootstrap_contains_the_estimate_and_is_reproducible(demo: str, report) -> None:  # type: ignore[no-untyped-def]
    avoided = report.avoided
    assert len(avoided.treated_teams) == 3 and all(t.controls >= 2 for t in avoided.treated_teams)
    low, high = avoided.interval
    assert low <= avoided.cost_avoided <= high
    assert any("wide" in note for note in avoided.notes)
    with session_scope(demo) as session:
        same = roi_report(session, EXECUTIVE, DEMO_AS_OF, samples=500)
        other = roi_report(session, EXECUTIVE, DEMO_AS_OF, samples=500, seed=1)
    assert same.avoided.interval == avoided.interval
    assert other.avoided.interval != avoided.interval
    assert other.avoided.cost_avoided == avoided.cost_avoided


def test_roi_report_command(demo: str) -> None:
    runner = CliRunner()
    with session_scope(demo) as session:
        executive = session.scalar(select(User.email).where(User.email.like("executive@%")))
        employee = session.scalar(select(User.email).where(User.email.like("employee@%")))
    args = ["roi", "report", "--db", demo, "--as-of", DEMO_AS_OF.isoformat(), "--samples", "200"]
    result = runner.invoke(app, [*args, "--as", str(executive), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["attrition_cost"]["total"]["departures"] > 0 and payload["model_version"] == "people-roi/1"
    refused = runner.invoke(app, [*args, "--as", str(employee)])
    assert refused.exit_code == 4 and "People ROI view" in refused.output
