"""The policy engine's rules against the strict default charter: pure, no database."""

from __future__ import annotations

import pytest

from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import load_default
from peoplealign.policy.engine import Action, PolicyDenied, authorize
from peoplealign.policy.scope import Scope


def actor(*roles: str) -> Actor:
    return Actor(email=f"{'-'.join(roles)}@example.org", roles=frozenset({"employee", *roles}), person_id=1)


CHARTER = load_default()


def test_individual_survey_answers_for_a_retention_conversation_are_refused_by_purpose() -> None:
    decision = authorize(
        CHARTER, actor("hr_partner"), Action.READ_INDIVIDUAL, "survey", "retention_conversation"
    )
    assert not decision.allowed
    assert decision.rule == "data_sources.survey.purposes"
    assert "survey_reporting" in decision.reason


def test_individual_survey_answers_are_a_prohibited_use_even_for_an_allowed_purpose() -> None:
    decision = authorize(CHARTER, actor("admin"), Action.READ_INDIVIDUAL, "survey", "survey_reporting")
    assert not decision.allowed
    assert decision.rule == "prohibited_uses.individual_survey_answers"


def test_aggregates_carry_the_threshold_and_the_scope_of_the_widest_role() -> None:
    employee = authorize(CHARTER, actor(), Action.READ_AGGREGATE, "survey", "survey_reporting")
    manager = authorize(CHARTER, actor("manager"), Action.READ_AGGREGATE, "survey", "survey_reporting")
    analyst = authorize(
        CHARTER, actor("manager", "analyst"), Action.READ_AGGREGATE, "survey", "survey_reporting"
    )
    comments = authorize(CHARTER, actor("manager"), Action.READ_AGGREGATE, "comments", "listening")
    assert employee.obligations is not None and employee.obligations.scope is Scope.SELF
    assert employee.obligations.k == 5
    assert manager.obligations is not None and manager.obligations.scope is Scope.OWN_SUBTREE
    assert analyst.obligations is not None and analyst.obligations.scope is Scope.ORGANISATION
    assert comments.obligations is not None and comments.obligations.k == 10


def test_aggregate_access_follows_the_data_source() -> None:
    decision = authorize(CHARTER, actor(), Action.READ_AGGREGATE, "activity", "wellbeing")
    assert not decision.allowed
    assert decision.rule == "data_sources.activity.aggregate_access"


def test_individual_records_per_role() -> None:
    manager = authorize(CHARTER, actor("manager"), Action.READ_INDIVIDUAL, "hris", "development")
    analyst = authorize(CHARTER, actor("analyst"), Action.READ_INDIVIDUAL, "hris", "workforce_planning")
    hr = authorize(CHARTER, actor("hr_partner"), Action.READ_INDIVIDUAL, "hris", "development")
    executive = authorize(CHARTER, actor("executive"), Action.READ_INDIVIDUAL, "hris", "org_reporting")
    employee = authorize(CHARTER, actor(), Action.READ_INDIVIDUAL, "hris", "my_data")
    assert manager.obligations is not None and manager.obligations.scope is Scope.OWN_SUBTREE
    assert {"salary", "exit_reason"} <= manager.obligations.remove_fields
    assert analyst.obligations is not None and analyst.obligations.redact_fields == {"name", "email"}
    assert (
        hr.obligations is not None and not hr.obligations.redact_fields and not hr.obligations.remove_fields
    )
    assert not executive.allowed and not employee.allowed


def test_flight_risk_only_for_hr_and_only_for_a_retention_conversation() -> None:
    hr = authorize(
        CHARTER, actor("hr_partner"), Action.READ_INDIVIDUAL, "predictions", "retention_conversation"
    )
    analyst = authorize(
        CHARTER, actor("analyst"), Action.READ_INDIVIDUAL, "predictions", "retention_conversation"
    )
    promotion = authorize(CHARTER, actor("hr_partner"), Action.READ_INDIVIDUAL, "predictions", "promotion")
    assert hr.allowed and not analyst.allowed and not promotion.allowed
    assert promotion.rule == "prohibited_uses.flight_risk_in_career_decisions"
    assert "promotion, pay or termination" in promotion.reason


def test_everyone_may_read_their_own_record_for_an_allowed_purpose() -> None:
    assert authorize(CHARTER, actor(), Action.READ_OWN, "hris", "my_data").allowed
    assert not authorize(CHARTER, actor(), Action.READ_OWN, "hris", "listening").allowed


def test_unknown_sources_are_refused() -> None:
    decision = authorize(CHARTER, actor("admin"), Action.READ_AGGREGATE, "emails", "listening")
    assert not decision.allowed and decision.rule == "data_sources"


def test_the_denial_message_names_who_what_purpose_and_rule() -> None:
    who = actor("hr_partner")
    decision = authorize(CHARTER, who, Action.READ_INDIVIDUAL, "survey", "retention_conversation")
    message = str(PolicyDenied(who, "read_individual", "survey", "retention_conversation", decision))
    for part in (
        who.email,
        "read individual",
        "'survey'",
        "'retention_conversation'",
        "data_sources.survey.purposes",
    ):
        assert part in message
    with pytest.raises(PolicyDenied):
        raise PolicyDenied(who, "read_individual", "survey", "retention_conversation", decision)
