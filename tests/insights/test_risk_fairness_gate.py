"""The in-product flight-risk model on the demo: trained through the policy layer, blocked by the
fairness gate when deliberately biased, used only after an executive's audited override, visible
only to the roles the charter names, and acted on only as stay interviews for HR partners."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, PermissionDeniedError
from peoplealign.insights import model_card
from peoplealign.insights.risk_training import queue_stay_interviews, train_flight_risk
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import active_charter
from peoplealign.policy.charter_document import load_default
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.risk_access import PredictionAccess, fairness_counts
from peoplealign.store.engine import dispose_all, session_scope
from peoplealign.store.models import (
    AuditEvent,
    ModelCard,
    OrgUnit,
    Person,
    ProtectedAttribute,
    Recommendation,
    User,
)

AS_OF = dt.date(2026, 11, 16)
DEMO_DOMAIN = "demo.peoplealign.example"


def actor(session: Session, role: str) -> Actor:
    user = session.scalars(select(User).where(User.email == f"{role}@{DEMO_DOMAIN}")).one()
    return Actor.from_user(user)


@pytest.fixture(scope="module")
def biased_demo(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with gender rewritten so that everyone in the planted burnout department (where the
    model's high band sits) is a woman and everyone else a man: a deliberately biased model."""
    copy = tmp_path_factory.mktemp("risk") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    url = f"sqlite:///{copy}"
    with session_scope(url) as session:
        sales = set(
            session.scalars(
                select(Person.id)
                .join(OrgUnit, OrgUnit.id == Person.org_unit_id)
                .where(OrgUnit.code.like("SAL%"))
            )
        )
        for row in session.scalars(
            select(ProtectedAttribute).where(ProtectedAttribute.attribute == "gender")
        ):
            row.value = "woman" if row.person_id in sales else "man"
        train_flight_risk(session, actor(session, "analyst"), AS_OF)
    yield url
    dispose_all()


def test_the_gate_blocks_a_deliberately_biased_model(biased_demo: str) -> None:
    with session_scope(biased_demo) as session:
        card = model_card.find_card(session, "flight_risk")
        gender = next(a for a in card.fairness["attributes"] if a["attribute"] == "gender")
        assert gender["selection_rate_ratio"] < 0.2 and not gender["passed"]
        assert not card.fairness_passed and card.status == "inactive"
        assert (
            session.scalars(select(Recommendation).where(Recommendation.kind == "stay_interview")).all() == []
        )
        hr = PredictionAccess(session, actor(session, "hr_partner"), active_charter(session))
        assert hr.individual() == []  # an inactive version shows nothing


def test_card_documents_data_features_quality_and_uses(biased_demo: str) -> None:
    with session_scope(biased_demo) as session:
        summary = model_card.card_summary(model_card.find_card(session, "flight_risk"))
    assert summary["data"]["voluntary_exits"] >= 5
    names = {f["name"] for f in summary["features"]}
    assert {"tenure_years", "level", "pay_position", "team_after_hours_share"} <= names
    assert not names & {"gender", "age_band"}
    assert 0.6 < summary["quality"]["concordance"] < 1.0
    assert 0.8 <= summary["quality"]["calibration_slope"] <= 1.2
    assert summary["intended_use"] and summary["prohibited_uses"] and summary["limitations"]


def test_override_needs_an_executive_and_a_rationale_and_is_audited(biased_demo: str) -> None:
    with session_scope(biased_demo) as session:
        card = model_card.find_card(session, "flight_risk")
        with pytest.raises(PermissionDeniedError, match="only an executive"):
            model_card.record_override(
                session, actor(session, "analyst"), card, "a long enough rationale here"
            )
    with session_scope(biased_demo) as session:
        card = model_card.find_card(session, "flight_risk")
        with pytest.raises(InvalidInputError, match="rationale"):
            model_card.record_override(session, actor(session, "executive"), card, "because")
    with session_scope(biased_demo) as session:
        card = model_card.find_card(session, "flight_risk")
        rationale = "Test: accepted after review with the works council, conversations are voluntary."
        model_card.record_override(session, actor(session, "executive"), card, rationale)
        queued = queue_stay_interviews(session, card)
        assert card.status == "active" and card.override_by == f"executive@{DEMO_DOMAIN}"
    with session_scope(biased_demo) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "override_fairness_gate")
        ).all()
        assert [e.outcome for e in events] == ["denied", "changed"]
        assert events[-1].detail["rationale"] == rationale
        recommendations = session.scalars(
            select(Recommendation).where(Recommendation.kind == "stay_interview")
        ).all()
        assert queued == len(recommendations) > 0
        assert {r.assigned_role for r in recommendations} == {"hr_partner"}
        assert all(r.subject_person_id and r.model_version == card.version for r in recommendations)
        assert all("never an input to pay, promotion" in r.explanation for r in recommendations)
        assert all(r.evidence["factors"] and r.status == "open" for r in recommendations)


def test_predictions_are_visible_only_to_the_roles_the_charter_names(biased_demo: str) -> None:
    with session_scope(biased_demo) as session:
        card = model_card.find_card(session, "flight_risk")
        session.execute(update(ModelCard).where(ModelCard.id == card.id).values(status="active"))
    with session_scope(biased_demo) as session:
        charter = active_charter(session)
        people = PredictionAccess(session, actor(session, "hr_partner"), charter).individual("high")
        assert people and all(p.band == "high" and p.factors for p in people)
        for role in ("employee", "manager", "analyst", "executive"):
            with pytest.raises(PolicyDenied):
                PredictionAccess(session, actor(session, role), charter).individual()
        for role in ("employee", "manager"):
            with pytest.raises(PolicyDenied):
                PredictionAccess(session, actor(session, role), charter).cells()
        mean, _, version = PredictionAccess(session, actor(session, "executive"), charter).cells(
            ("department",)
        )
        assert version == card.version
        visible = [c for c in mean.cells if not c.suppressed]
        top = max(visible, key=lambda c: c.value or 0.0)
        assert top.group["department"] == "Sales"  # the planted burnout department (SAL) of seed 7


def test_protected_attributes_are_read_only_for_the_fairness_audit(db_url: str) -> None:
    charter = load_default()
    with session_scope(db_url) as session:
        hr = Actor("hr@example.org", frozenset({"hr_partner"}))
        with pytest.raises(PolicyDenied):
            fairness_counts(session, hr, charter, {1: True})
        analyst = Actor("analyst@example.org", frozenset({"analyst"}))
        assert fairness_counts(session, analyst, charter, {}) == {}


def test_manager_and_employee_never_see_predictions(db_url: str) -> None:
    charter = load_default()
    with session_scope(db_url) as session:
        for role in ("employee", "manager"):
            reader = PredictionAccess(session, Actor(f"{role}@example.org", frozenset({role})), charter)
            with pytest.raises(PolicyDenied):
                reader.individual()
            with pytest.raises(PolicyDenied):
                reader.cells()
    with session_scope(db_url) as session:
        denied = session.scalars(select(AuditEvent).where(AuditEvent.resource == "predictions")).all()
        assert len(denied) == 4 and {e.outcome for e in denied} == {"denied"}
