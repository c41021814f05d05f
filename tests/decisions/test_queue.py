"""The recommendation queue shows each role what the charter allows, and every action is audited with
the person it is about; outcomes are stored for the ROI analysis."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from decisions_helpers import EMAILS, Org
from sqlalchemy import select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.decisions.queue import act, recommendation_queue, show_recommendation
from peoplealign.errors import InvalidInputError
from peoplealign.policy.engine import PolicyDenied
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, Recommendation


def _kinds(org: Org, who: str) -> set[str]:
    with session_scope(org.url) as session:
        return {i.kind for i in recommendation_queue(session, org.charter(), org.actors[who])}


def test_each_role_sees_what_the_charter_allows(org: Org) -> None:
    """On every backend: HR partners see the stay interview (individual flight-risk access), managers
    only team suggestions for units whose people all report to them, employees nothing."""
    assert _kinds(org, "hr") == {"stay_interview", "rebalance", "coaching"}
    assert _kinds(org, "manager") == {"rebalance"}
    assert _kinds(org, "apps_lead") == {"coaching"}
    assert _kinds(org, "employee") == set()
    with session_scope(org.url) as session:
        item = show_recommendation(session, org.charter(), org.actors["hr"], org.stay_interview_id)
        assert item.subject_hris_id == "P1" and item.model_version == "fr-test-1"
        assert item.evidence["top_factors"] and item.explanation
    with pytest.raises(PolicyDenied) as refused, session_scope(org.url) as session:
        show_recommendation(session, org.charter(), org.actors["manager"], org.stay_interview_id)
    assert "flight" in str(refused.value) or "Derived insights" in str(refused.value)
    with session_scope(org.url) as session:
        denied = session.scalars(
            select(AuditEvent).where(AuditEvent.outcome == "denied", AuditEvent.actor == EMAILS["manager"])
        ).one()
        assert denied.subject == "P1" and denied.resource == "predictions"


def test_accept_then_record_the_outcome(sqlite_org: Org) -> None:
    org = sqlite_org
    with session_scope(org.url) as session:
        accepted = act(session, org.charter(), org.actors["hr"], org.stay_interview_id, "accept")
        assert accepted.status == "accepted"
        done = act(
            session,
            org.charter(),
            org.actors["hr"],
            org.stay_interview_id,
            "outcome",
            outcome="Stay interview held; agreed a move to the data team. Call her on +44 20 7946 0958.",
        )
        assert done.status == "done" and "+44" not in (done.outcome or "")
    with session_scope(org.url) as session:
        row = session.get(Recommendation, org.stay_interview_id)
        assert row is not None and row.status == "done" and row.outcome_recorded_at is not None
        assert row.acted_by_user_id == org.actors["hr"].user_id
        changes = [
            e.action
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.outcome == "changed", AuditEvent.subject == "P1")
            )
        ]
        assert changes == ["recommendation.accept", "recommendation.outcome"]
    with pytest.raises(InvalidInputError, match="done"), session_scope(org.url) as session:
        act(session, org.charter(), org.actors["hr"], org.stay_interview_id, "accept")


def test_dismiss_needs_a_reason_and_snooze_hides_until_the_date(sqlite_org: Org) -> None:
    org = sqlite_org
    with pytest.raises(InvalidInputError, match="reason"), session_scope(org.url) as session:
        act(session, org.charter(), org.actors["manager"], org.rebalance_id, "dismiss", reason=" ")
    today = dt.date(2026, 11, 22)
    with session_scope(org.url) as session:
        with pytest.raises(InvalidInputError, match="after today"):
            act(
                session,
                org.charter(),
                org.actors["manager"],
                org.rebalance_id,
                "snooze",
                until=today,
                today=today,
            )
        act(
            session,
            org.charter(),
            org.actors["manager"],
            org.rebalance_id,
            "snooze",
            until=today + dt.timedelta(days=14),
            today=today,
        )
    with session_scope(org.url) as session:
        charter, manager = org.charter(), org.actors["manager"]
        assert not recommendation_queue(session, charter, manager, today=today)
        later = today + dt.timedelta(days=14)
        assert [i.status for i in recommendation_queue(session, charter, manager, today=later)] == ["snoozed"]
        dismissed = act(
            session, charter, manager, org.rebalance_id, "dismiss", reason="Sprint ended; hours normal."
        )
        assert dismissed.status == "dismissed" and dismissed.dismiss_reason == "Sprint ended; hours normal."
    with pytest.raises(PolicyDenied), session_scope(org.url) as session:
        act(session, org.charter(), org.actors["manager"], org.coaching_id, "accept")


def _cli(org: Org, who: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["decisions", *args, "--as", EMAILS[who], "--db", org.url])
    return result.exit_code, result.stdout, result.stderr


def test_cli_queue_and_act(sqlite_org: Org) -> None:
    org = sqlite_org
    code, out, err = _cli(org, "hr", "queue", "--format", "json")
    assert code == 0, err
    assert {r["kind"] for r in json.loads(out)["recommendations"]} == {
        "stay_interview",
        "rebalance",
        "coaching",
    }
    stay = str(org.stay_interview_id)
    code, out, err = _cli(
        org, "hr", "act", stay, "outcome", "--outcome", "Stay interview held", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["status"] == "done"
    code, _, err = _cli(org, "manager", "act", stay, "accept")
    assert code == 4 and "denied" in err
    code, _, err = _cli(org, "hr", "act", stay, "approve")
    assert code == 2 and "expected accept" in err
