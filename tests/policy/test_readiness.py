"""The readiness audit: findings with actions on a deliberately thin organisation and on the demo."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.policy.readiness import assess
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, OrgUnit, Person

TODAY = dt.date(2026, 11, 16)


def thin_organisation(url: str) -> None:
    """One manager with 14 reports in one unit, four one-person units, no exits recorded properly."""
    with session_scope(url) as session:
        root = OrgUnit(code="ROOT", name="Root", kind="company")
        session.add(root)
        session.flush()
        units = [OrgUnit(code=f"U{i}", name=f"Unit {i}", kind="team", parent_id=root.id) for i in range(5)]
        session.add_all(units)
        session.flush()
        boss = Person(hris_id="B", name="Boss", org_unit_id=units[0].id, hire_date=dt.date(2015, 1, 1))
        session.add(boss)
        session.flush()
        for i in range(14):
            session.add(
                Person(hris_id=f"P{i}", name=f"P {i}", org_unit_id=units[0].id, manager_id=boss.id, level=2)
            )
        for i, unit in enumerate(units[1:]):
            session.add(Person(hris_id=f"S{i}", name=f"S {i}", org_unit_id=unit.id, manager_id=boss.id))
        session.add(Person(hris_id="X", name="Gone", org_unit_id=units[0].id, exit_date=dt.date(2026, 1, 1)))


def test_findings_name_the_gaps_with_actions(db_url: str) -> None:
    thin_organisation(db_url)
    with session_scope(db_url) as session:
        report = assess(session, k=5, today=TODAY)
    assert report.active_people == 19
    assert report.teams["below_k"] == 4 and report.teams["share_below_k"] == 0.8
    assert report.spans["managers"] == 1 and report.spans["above_max"] == 1 and report.spans["max"] == 18
    texts = " | ".join(f.finding for f in report.findings)
    assert "fewer than 5 people" in texts
    assert "more than 12 direct reports" in texts
    assert "exit_reason is missing for 1 of 1" in texts
    assert "No survey data" in texts and "No skill demand" in texts and "pay_band_min" in texts
    assert all(f.action and f.severity in {"critical", "warning", "info"} for f in report.findings)
    assert [f.severity for f in report.findings] == sorted(
        (f.severity for f in report.findings), key=["critical", "warning", "info"].index
    )
    hris = next(s for s in report.sources if s.key == "hris")
    assert hris.rows == 20 and hris.share_covered == 1.0


def test_readiness_command_on_the_demo(demo_url: str) -> None:
    result = CliRunner().invoke(app, ["audit", "readiness", "--db", demo_url, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    sources = {s["key"]: s for s in body["sources"]}
    assert sources["survey"]["rows"] > 1000 and sources["survey"]["share_covered"] > 0.5
    assert sources["activity"]["latest"] is not None
    assert body["spans"]["managers"] > 20 and body["teams"]["staffed_units"] > 10
    assert all({"area", "severity", "finding", "action"} == set(f) for f in body["findings"])
    with session_scope(demo_url) as session:
        assert session.scalar(select(func.count()).where(AuditEvent.resource == "readiness")) == 1
