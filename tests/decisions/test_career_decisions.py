"""Career decisions need a named human with the right role, a rationale, the charter's second reviewer,
and no forbidden AI input; every refusal is audited. Storage tests run on every backend."""

from __future__ import annotations

import json
from typing import Any

import pytest
from decisions_helpers import EMAILS, Org
from sqlalchemy import func, select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.decisions.career_decisions import DecisionRefused, record_decision
from peoplealign.errors import InvalidInputError
from peoplealign.policy.engine import PolicyDenied
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, Decision


def _record(org: Org, **changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "decision_type": "termination",
        "subject": "P1",
        "decided_by": EMAILS["hr"],
        "rationale": "Repeated, documented breaches of the safety policy after two warnings.",
        "second_reviewer": EMAILS["hr2"],
        "considered": None,
    }
    arguments.update(changes)
    with session_scope(org.url) as session:
        return record_decision(session, org.charter(), **arguments).as_dict()


def _denials(org: Org) -> list[AuditEvent]:
    with session_scope(org.url) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "decision.record", AuditEvent.outcome == "denied"
                )
            )
        )


def _count(org: Org) -> int:
    with session_scope(org.url) as session:
        return int(session.scalar(select(func.count()).select_from(Decision)) or 0)


@pytest.mark.parametrize(
    ("changes", "rule", "words"),
    [
        ({"decided_by": None}, "decisions_requiring_human", "named human"),
        ({"decided_by": "nobody@example.org"}, "decisions_requiring_human", "not an active user"),
        ({"rationale": "   "}, "decisions_requiring_human", "rationale"),
        (
            {"second_reviewer": None},
            "decisions_requiring_human.termination.second_reviewer",
            "second reviewer",
        ),
        (
            {"second_reviewer": EMAILS["hr"]},
            "decisions_requiring_human.termination.second_reviewer",
            "different",
        ),
        ({"decided_by": EMAILS["manager"]}, "audiences.*.views (decisions)", "hr_partner"),
        ({"second_reviewer": EMAILS["analyst"]}, "audiences.*.views (decisions)", "second reviewer"),
        ({"subject": "HR2"}, "decisions_requiring_human", "themselves"),
    ],
)
def test_termination_is_refused_and_audited(
    sqlite_org: Org, changes: dict[str, Any], rule: str, words: str
) -> None:
    with pytest.raises(DecisionRefused) as refused:
        _record(sqlite_org, **changes)
    assert refused.value.decision.rule == rule
    assert words in str(refused.value)
    assert _count(sqlite_org) == 0
    denials = _denials(sqlite_org)
    assert len(denials) == 1 and denials[0].detail["rule"] == rule


@pytest.mark.parametrize("decision_type", ["promotion", "pay_change", "termination"])
@pytest.mark.parametrize("considered", ["prediction", "stay_interview"])
def test_flight_risk_cannot_be_attached(sqlite_org: Org, decision_type: str, considered: str) -> None:
    org = sqlite_org
    ref = (
        f"prediction:{org.prediction_id}"
        if considered == "prediction"
        else f"recommendation:{org.stay_interview_id}"
    )
    with pytest.raises(PolicyDenied) as refused:
        _record(org, decision_type=decision_type, considered=ref)
    assert "flight_risk" in str(refused.value)
    assert refused.value.decision.rule == f"decisions_requiring_human.{decision_type}.forbidden_inputs"
    assert _count(org) == 0 and len(_denials(org)) == 1


def test_a_bare_id_cannot_dodge_the_refusal(sqlite_org: Org) -> None:
    """Id 1 is both the flight-risk prediction and the stay interview: either way it is refused."""
    org = sqlite_org
    assert org.prediction_id == org.stay_interview_id
    with pytest.raises(PolicyDenied, match="flight_risk"):
        _record(org, decision_type="promotion", considered=str(org.prediction_id), second_reviewer=None)
    recorded = _record(org, decision_type="promotion", considered=str(org.coaching_id), second_reviewer=None)
    assert [c["ref"] for c in recorded["considered"]] == [f"recommendation:{org.coaching_id}"]


def test_a_complete_decision_is_recorded_with_its_inputs_and_audited(org: Org) -> None:
    """On every backend: a refusal survives as an audited denial, then complete decisions are stored."""
    with pytest.raises(DecisionRefused):
        _record(org, second_reviewer=None)
    assert len(_denials(org)) == 1 and _count(org) == 0
    record = _record(
        org,
        decision_type="promotion",
        second_reviewer=None,
        considered=f"recommendation:{org.rebalance_id}",
        rationale="Led the platform migration; peers and manager agree she works at the next level.",
    )
    assert record["decided_by"] == EMAILS["hr"] and record["subject_hris_id"] == "P1"
    assert record["considered"][0]["ref"] == f"recommendation:{org.rebalance_id}"
    assert record["considered"][0]["source"] == "activity"
    with session_scope(org.url) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "decision.record", AuditEvent.outcome == "changed")
        ).one()
        assert event.subject == "P1" and event.actor == EMAILS["hr"]
    terminated = _record(org, subject="P2")
    assert terminated["second_reviewer"] == EMAILS["hr2"]


def test_inputs_about_someone_else_and_unknown_types_are_refused(sqlite_org: Org) -> None:
    org = sqlite_org
    with pytest.raises(InvalidInputError, match="another person"):
        _record(org, subject="P2", considered=f"prediction:{org.prediction_id}")
    with pytest.raises(InvalidInputError, match="unknown decision type"):
        _record(org, decision_type="demotion")
    with pytest.raises(InvalidInputError, match="prediction:ID"):
        _record(org, considered="model:3")


def _cli(org: Org, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["decisions", "record", *args, "--db", org.url])
    return result.exit_code, result.stdout, result.stderr


def test_cli_refuses_termination_without_human_rationale_or_reviewer(sqlite_org: Org) -> None:
    base = ["--type", "termination", "--subject", "P1"]
    code, _, err = _cli(sqlite_org, *base, "--rationale", "Gross misconduct, investigated.")
    assert code == 4 and "named human" in err
    code, _, err = _cli(sqlite_org, *base, "--decided-by", EMAILS["hr"], "--second-reviewer", EMAILS["hr2"])
    assert code == 4 and "rationale" in err
    code, _, err = _cli(sqlite_org, *base, "--decided-by", EMAILS["hr"], "--rationale", "Gross misconduct.")
    assert code == 4 and "second reviewer" in err
    code, _, err = _cli(
        sqlite_org,
        "--type",
        "pay_change",
        "--subject",
        "P1",
        "--decided-by",
        EMAILS["hr"],
        "--rationale",
        "Market adjustment.",
        "--considered",
        f"prediction:{sqlite_org.prediction_id}",
    )
    assert code == 4 and "flight_risk" in err
    code, out, err = _cli(
        sqlite_org,
        *base,
        "--decided-by",
        EMAILS["hr"],
        "--second-reviewer",
        EMAILS["hr2"],
        "--rationale",
        "Gross misconduct, investigated.",
        "--format",
        "json",
    )
    assert code == 0, err
    recorded = json.loads(out)
    assert recorded["type"] == "termination" and recorded["second_reviewer"] == EMAILS["hr2"]
    show = ["decisions", "show", str(recorded["id"]), "--db", sqlite_org.url, "--as"]
    shown = CliRunner().invoke(app, [*show, EMAILS["employee"], "--format", "json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["rationale"] == "Gross misconduct, investigated."
    other = CliRunner().invoke(app, [*show, EMAILS["colleague"]])
    assert other.exit_code == 4 and "decisions view" in other.stderr
