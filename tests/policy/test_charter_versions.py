"""Charter versions: drafts, executive-only activation, recorded loosening, objectives and diffs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.policy import charter
from peoplealign.policy.actor import Actor
from peoplealign.policy.audit import query, verify
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Objective

CEO = Actor(email="ceo@example.org", roles=frozenset({"employee", "executive"}))
ANALYST = Actor(email="ana@example.org", roles=frozenset({"employee", "analyst"}))
EMPLOYEE = Actor(email="emp@example.org", roles=frozenset({"employee"}))

STRICTER = charter.default_yaml().replace("k_aggregate: 5", "k_aggregate: 7")
LOOSER = charter.default_yaml().replace("k_aggregate: 5", "k_aggregate: 3")


def test_without_approval_the_strict_default_is_in_force(db_url: str) -> None:
    with session_scope(db_url) as s:
        charter.apply(s, STRICTER, ANALYST)
        active = charter.active_charter(s)
    assert active.is_default and active.version == 0 and active.k_aggregate == 5


def test_apply_then_approve_activates_and_supersedes(db_url: str) -> None:
    with session_scope(db_url) as s:
        first = charter.apply(s, STRICTER, ANALYST)
        assert (first.version, first.status, first.created_by) == (1, "draft", ANALYST.email)
        charter.approve(s, 1, CEO, "tighter thresholds")
    with session_scope(db_url) as s:
        active = charter.active_charter(s)
        assert (active.version, active.k_aggregate, active.is_default) == (1, 7, False)
        assert active.approved_by == CEO.email and active.approved_at is not None
        charter.apply(s, charter.default_yaml().replace("k_comments: 10", "k_comments: 12"), ANALYST)
        charter.approve(s, 2, CEO, "more comment protection")
    with session_scope(db_url) as s:
        statuses = {v.version: v.status for v in charter.list_versions(s)}
        assert statuses == {1: "superseded", 2: "active"}
        assert charter.active_charter(s).k_comments == 12
        actions = [e.action for e in query(s, actor=CEO.email)]
        assert actions == ["charter.approve", "charter.approve"]
        assert verify(s).ok


def test_only_executives_approve_and_only_responsible_roles_propose(db_url: str) -> None:
    with session_scope(db_url) as s:
        with pytest.raises(charter.CharterPermissionError, match="may not propose"):
            charter.apply(s, STRICTER, EMPLOYEE)
        charter.apply(s, STRICTER, ANALYST)
        with pytest.raises(charter.CharterPermissionError, match="only an executive"):
            charter.approve(s, 1, ANALYST, "looks good")
        with pytest.raises(InvalidInputError, match="needs a note"):
            charter.approve(s, 1, CEO, "  ")
        with pytest.raises(NotFoundError):
            charter.approve(s, 9, CEO, "missing")
        charter.approve(s, 1, CEO, "ok")
        with pytest.raises(InvalidInputError, match="already the active"):
            charter.approve(s, 1, CEO, "again")


def test_invalid_yaml_is_never_stored(db_url: str) -> None:
    with session_scope(db_url) as s:
        with pytest.raises(charter.CharterValidationError):
            charter.apply(s, "schema_version: 2\n", ANALYST)
        assert charter.list_versions(s) == []


def test_loosening_needs_explicit_acceptance_which_is_recorded(db_url: str) -> None:
    with session_scope(db_url) as s:
        charter.apply(s, LOOSER, ANALYST)
        with pytest.raises(charter.LooseningNotAcceptedError, match="k_aggregate lowered to 3"):
            charter.approve(s, 1, CEO, "smaller teams")
        assert charter.active_charter(s).is_default
        row = charter.approve(s, 1, CEO, "smaller teams", accept_loosening=True)
        assert row.approval_note is not None and "k_aggregate lowered to 3" in row.approval_note
        approval = query(s, actor=CEO.email)[0]
        assert approval.detail["accepted_loosening"] == ["thresholds.k_aggregate lowered to 3 (minimum 5)"]
        assert charter.active_charter(s).k_aggregate == 3


def test_objectives_follow_the_active_version(db_url: str) -> None:
    renamed = charter.default_yaml().replace("code: grow-capabilities", "code: grow-skills")
    with session_scope(db_url) as s:
        charter.apply(s, charter.default_yaml(), ANALYST)
        charter.approve(s, 1, CEO, "adopt the default")
        charter.apply(s, renamed, ANALYST)
        charter.approve(s, 2, CEO, "rename")
    with session_scope(db_url) as s:
        active_id = charter.get_version(s, 2).id
        codes = set(s.scalars(select(Objective.code).where(Objective.charter_id == active_id)))
        assert codes == {"retain-talent", "sustainable-pace", "grow-skills"}
        target = s.scalar(
            select(Objective).where(Objective.code == "retain-talent", Objective.charter_id == active_id)
        )
        assert (
            target is not None
            and target.target_value == 0.08
            and target.target_metric == "regretted_attrition_rate"
        )


def test_diff_is_structured_and_matches_records_by_key(db_url: str) -> None:
    edited = (
        charter.default_yaml()
        .replace(
            "retention_days: 730\n    after_retention: delete\n    raw_access: []\n    aggregate_access: "
            "[manager, hr_partner, analyst, executive, admin]\n    employee_benefit: Team-level",
            "retention_days: 365\n    after_retention: delete\n    raw_access: []\n    aggregate_access: "
            "[manager, hr_partner, analyst, executive, admin]\n    employee_benefit: Team-level",
        )
        .replace(
            "purposes: [listening, survey_reporting, metric_computation]",
            "purposes: [listening, metric_computation]",
        )
    )
    with session_scope(db_url) as s:
        charter.apply(s, edited, ANALYST)
        changes = {c.describe() for c in charter.diff(s)}
        assert changes == {
            "~ data_sources.activity.retention_days: 730 → 365",
            "- data_sources.comments.purposes: 'survey_reporting'",
        }
        assert charter.diff(s, 0, 0) == []
        assert charter.diff(s, 1, 0)[0].as_dict()["kind"] in {"changed", "added"}
