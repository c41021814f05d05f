"""Charter validation names the path of every problem; the document answers the engine's questions."""

from __future__ import annotations

import pytest

from peoplealign.policy.charter import (
    CharterValidationError,
    default_yaml,
    load_default,
    loosenings,
    parse_yaml,
)


def _problems(text: str) -> list[str]:
    with pytest.raises(CharterValidationError) as caught:
        parse_yaml(text, "edited.yaml")
    assert "edited.yaml" in str(caught.value)
    return caught.value.problems


def test_default_charter_is_valid_strict_and_version_zero() -> None:
    charter = load_default()
    assert charter.is_default and charter.version == 0
    assert (charter.k_aggregate, charter.k_comments) == (5, 10)
    assert loosenings(charter) == []


def test_errors_name_the_path_in_the_document() -> None:
    text = default_yaml().replace("retention_days: 1095", "retention_days: 0", 1)
    assert _problems(text) == ["data_sources[2].retention_days: expected integer ≥ 1 (got 0)"]


def test_every_problem_is_reported_at_once() -> None:
    text = (
        default_yaml()
        .replace("after_retention: anonymise", "after_retention: keep", 1)
        .replace("k_comments: 10", "k_comments: ten")
        .replace("raw_access: [hr_partner]", "raw_access: [boss]")
        .replace("email: privacy@example.org", "email: privacy")
    )
    problems = _problems(text)
    assert any(
        p.startswith("data_sources[0].after_retention: expected one of delete, anonymise") for p in problems
    )
    assert "thresholds.k_comments: expected integer ≥ 2 (got 'ten')" in problems
    assert any(p.startswith("data_sources[7].raw_access[0]: expected one of employee") for p in problems)
    assert "contacts[0].email: expected an email address (got 'privacy')" in problems


def test_missing_and_unknown_keys_and_duplicates() -> None:
    missing = default_yaml().replace("thresholds:\n  k_aggregate: 5\n", "thresholds:\n  k_agregate: 5\n")
    problems = _problems(missing)
    assert "thresholds: missing 'k_aggregate'" in problems
    assert any(p.startswith("thresholds: Additional properties") and "k_agregate" in p for p in problems)
    duplicate = default_yaml().replace("  - key: collaboration\n", "  - key: activity\n")
    assert _problems(duplicate) == ["data_sources[5].key: 'activity' appears more than once"]


def test_broken_yaml_names_line_and_column() -> None:
    problems = _problems("thresholds: {k_aggregate: 5\n")
    assert len(problems) == 1 and problems[0].startswith("not valid YAML at line 2")


def test_accessors_answer_the_engine() -> None:
    charter = load_default()
    assert charter.allows_purpose("hris", "retention_conversation")
    assert not charter.allows_purpose("survey", "risk_modelling")
    assert not charter.allows_purpose("nonexistent", "listening")
    assert charter.source("nonexistent") is None
    survey = charter.source("survey")
    assert survey is not None and survey.raw_access == () and survey.retention_days == 1095
    assert charter.scope_for(["employee"]) == "self"
    assert charter.scope_for(["employee", "manager"]) == "own_subtree"
    assert charter.scope_for(["manager", "analyst"]) == "organisation"
    assert charter.scope_for([]) == "self"
    assert "team_dashboard" in charter.views_for(["employee", "manager"])
    assert "audit" not in charter.views_for(["employee", "manager"])
    assert charter.individual_data_for(["hr_partner", "manager"]) >= {"flight_risk", "team_profile"}
    assert {u.key for u in charter.prohibited_uses} >= {"individual_productivity_ranking", "message_content"}
    termination = charter.decision_rule("termination")
    assert termination is not None and termination.second_reviewer
    assert termination.forbidden_inputs == ("flight_risk",)
    assert charter.decision_rule("lunch") is None
    assert charter.metric_consensus.max_active_kpis == 5
    assert charter.fairness.min_selection_rate_ratio == 0.8
    assert charter.objectives[0].code == "retain-talent"
    assert charter.objectives[0].target_date is not None
    assert charter.contacts[0].email == "privacy@example.org"


def test_document_is_read_only() -> None:
    charter = load_default()
    copy = charter.as_dict()
    copy["thresholds"]["k_aggregate"] = 1
    assert load_default().k_aggregate == 5


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("k_aggregate: 5", "k_aggregate: 4"), "thresholds.k_aggregate lowered to 4"),
        (("k_comments: 10", "k_comments: 6"), "thresholds.k_comments lowered to 6"),
        (
            (
                "  - key: message_content\n"
                "    description: Reading the content of messages, emails, chats or documents.\n",
                "",
            ),
            "prohibited_uses.message_content removed",
        ),
        (
            ("raw_access: [hr_partner]", "raw_access: [hr_partner, manager]"),
            "data_sources.predictions.raw_access widened to manager",
        ),
    ],
)
def test_loosening_below_the_built_in_minimums_is_detected(edit: tuple[str, str], expected: str) -> None:
    text = default_yaml().replace(*edit, 1)
    assert text != default_yaml()
    found = loosenings(parse_yaml(text))
    assert len(found) == 1 and found[0].startswith(expected)


def test_tightening_is_not_loosening() -> None:
    text = (
        default_yaml()
        .replace("k_aggregate: 5", "k_aggregate: 8")
        .replace("raw_access: [hr_partner]", "raw_access: []")
    )
    assert loosenings(parse_yaml(text)) == []
