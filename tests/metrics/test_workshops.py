"""The consensus rule, version reset, the KPI cap and who may do what, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from peoplealign.metrics import workshops
from peoplealign.metrics.definitions import spec_for_measure
from peoplealign.metrics.workshops import ConsensusNotReached, KpiCapReached
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import MetricConsensus
from peoplealign.store.engine import session_scope
from peoplealign.store.models import (
    AuditEvent,
    MetricDefinition,
    MetricReview,
    User,
    Workshop,
    WorkshopParticipant,
)

PARTICIPANTS = 5  # quorum 0.6 -> 3 voters; approval 0.75


def _user(session: Session, email: str, roles: list[str]) -> Actor:
    user = User(email=email, password_hash="not-a-login", roles=roles)
    session.add(user)
    session.flush()
    return Actor.from_user(user)


class Team:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.first_event = session.scalar(select(func.max(AuditEvent.id))) or 0
        self.analyst = _user(session, "analyst@example.org", ["employee", "analyst"])
        self.people = [
            _user(session, f"p{i}@example.org", ["employee", "manager"] if i < 2 else ["employee"])
            for i in range(PARTICIPANTS)
        ]
        self.outsider = _user(session, "outsider@example.org", ["employee"])
        self.workshop = workshops.open_workshop(session, self.analyst, "KPIs", [p.email for p in self.people])

    def propose(self, key: str, **parameters: object) -> MetricDefinition:
        return workshops.propose(
            self.session, self.analyst, self.workshop.id, spec_for_measure(key, parameters=parameters)
        )

    def vote(self, row: MetricDefinition, verdicts: list[str]) -> None:
        for person, verdict in zip(self.people, verdicts, strict=False):
            reason = "not convinced" if verdict == "object" else None
            workshops.review(self.session, person, row.id, verdict, reason=reason)

    def finalize(self, row: MetricDefinition) -> workshops.Finalised:
        return workshops.finalize(self.session, self.analyst, row.id)


@pytest.fixture
def db_url(module_db_url: str) -> Iterator[str]:
    """The module's database, emptied of what a test wrote (audit events stay: they are a chain)."""
    yield module_db_url
    with session_scope(module_db_url) as session:
        for table in (MetricReview, MetricDefinition, WorkshopParticipant, Workshop, User):
            session.execute(delete(table))


@pytest.fixture
def team(db_url: str) -> Iterator[Team]:
    with session_scope(db_url) as session:
        yield Team(session)


def test_quorum_is_needed(team: Team) -> None:
    row = team.propose("retention")
    team.vote(row, ["approve", "approve"])
    with pytest.raises(ConsensusNotReached, match="quorum: 2 of 5"):
        team.finalize(row)
    team.vote(row, ["approve", "approve", "approve"])
    done = team.finalize(row)
    assert done.definition.status == "approved" and done.active == 1
    assert done.warnings and "at least 3" in done.warnings[0]


def test_approval_threshold(team: Team) -> None:
    row = team.propose("retention")
    team.vote(row, ["approve", "approve", "approve", "object", "object"])
    state = workshops.consensus(team.session, row)
    assert state.voted == 5 and state.approval_share == pytest.approx(0.6) and not state.reached
    with pytest.raises(ConsensusNotReached, match="approval: 3 of 5"):
        team.finalize(row)
    team.vote(row, ["approve", "approve", "approve", "approve", "object"])
    assert team.finalize(row).definition.status == "approved"


def test_blocking_objection_until_resolved(team: Team) -> None:
    row = team.propose("retention")
    for person in team.people[:4]:
        workshops.review(team.session, person, row.id, "approve", rating=4)
    workshops.review(team.session, team.people[4], row.id, "object", reason="leavers' teams", blocking=True)
    state = workshops.consensus(team.session, row)
    assert state.approval_share == pytest.approx(0.8) and state.blocking == 1
    with pytest.raises(ConsensusNotReached, match="1 blocking objection"):
        team.finalize(row)
    with pytest.raises(NotFoundError, match="has no objection"):
        workshops.resolve_objection(team.session, team.people[0], row.id)
    workshops.resolve_objection(team.session, team.people[4], row.id, "agreed to read it by department")
    assert team.finalize(row).definition.status == "approved"
    assert workshops.consensus(team.session, row).mean_rating == 4.0


def test_objection_needs_a_reason_and_rating_is_bounded(team: Team) -> None:
    row = team.propose("retention")
    with pytest.raises(InvalidInputError, match="reason"):
        workshops.review(team.session, team.people[0], row.id, "object")
    with pytest.raises(InvalidInputError, match="rating"):
        workshops.review(team.session, team.people[0], row.id, "approve", rating=6)


def test_parameter_change_creates_a_version_and_resets_votes(team: Team) -> None:
    row = team.propose("burnout_risk_index")
    team.vote(row, ["approve", "approve", "approve"])
    assert workshops.consensus(team.session, row).reached
    _, new = workshops.review(team.session, team.people[3], row.id, "suggest", parameters={"window_days": 60})
    assert (new.key, new.version, new.status) == ("burnout_risk_index", 2, "in_review")
    assert new.parameters["window_days"] == 60 and row.parameters["window_days"] == 90
    assert row.status == "retired"
    assert workshops.consensus(team.session, new).voted == 0
    with pytest.raises(InvalidInputError, match="not in review"):
        team.finalize(row)
    with pytest.raises(ConsensusNotReached, match="quorum: 0 of 5"):
        team.finalize(new)
    with pytest.raises(InvalidInputError, match="window_days"):
        workshops.review(team.session, team.people[0], new.id, "suggest", parameters={"window_days": "long"})
    team.vote(new, ["approve", "approve", "approve"])
    assert team.finalize(new).definition.version == 2
    collaboration = team.propose("team_collaboration")
    assert collaboration.higher_is_better
    _, constraint = workshops.review(
        team.session, team.people[0], collaboration.id, "suggest", parameters={"component": "constraint"}
    )
    assert not constraint.higher_is_better, "lower constraint is better: the new version says so"


def test_at_most_five_active_kpis(team: Team) -> None:
    keys = [
        "retention",
        "regretted_attrition_rate",
        "internal_mobility",
        "learning_hours",
        "engagement_index",
    ]
    for i, key in enumerate(keys):
        row = team.propose(key)
        team.vote(row, ["approve"] * 3)
        assert team.finalize(row).active == i + 1
    sixth = team.propose("burnout_risk_index")
    team.vote(sixth, ["approve"] * 5)
    with pytest.raises(KpiCapReached, match="at most 5"):
        team.finalize(sixth)
    workshops.retire(team.session, team.analyst, "learning_hours")
    assert team.finalize(sixth).active == 5
    active = team.session.scalars(select(MetricDefinition.key).where(MetricDefinition.status == "approved"))
    assert sorted(active) == sorted([*keys[:3], keys[4], "burnout_risk_index"])


def test_new_approved_version_replaces_the_active_one(team: Team) -> None:
    first = team.propose("retention")
    team.vote(first, ["approve"] * 3)
    team.finalize(first)
    second = team.propose("retention", window_days=180)
    team.vote(second, ["approve"] * 3)
    done = team.finalize(second)
    assert done.replaced == 1 and done.active == 1 and first.status == "retired"


def test_employee_cannot_run_a_workshop_and_outsiders_cannot_vote(team: Team, db_url: str) -> None:
    row = team.propose("retention")
    employee = team.people[4]
    with pytest.raises(PermissionDeniedError):
        workshops.open_workshop(team.session, employee, "mine", [team.people[0].email])
    with pytest.raises(PermissionDeniedError):
        workshops.propose(team.session, employee, team.workshop.id, spec_for_measure("learning_hours"))
    team.vote(row, ["approve"] * 5)
    with pytest.raises(PermissionDeniedError):
        workshops.finalize(team.session, employee, row.id)
    with pytest.raises(PermissionDeniedError, match="not a participant"):
        workshops.review(team.session, team.outsider, row.id, "approve")
    assert row.status == "in_review"
    team.session.commit()
    with session_scope(db_url) as session:
        denied = session.scalars(
            select(AuditEvent.action).where(AuditEvent.outcome == "denied", AuditEvent.id > team.first_event)
        ).all()
        assert {"metric.propose", "metric.finalize", "metric.review", "workshop.open"} <= set(denied)


def test_every_step_is_audited(team: Team, db_url: str) -> None:
    row = team.propose("burnout_risk_index")
    _, row = workshops.review(team.session, team.people[0], row.id, "suggest", parameters={"window_days": 60})
    team.vote(row, ["approve"] * 3)
    team.finalize(row)
    team.session.commit()
    with session_scope(db_url) as session:
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.resource == workshops.RESOURCE, AuditEvent.id > team.first_event)
            .order_by(AuditEvent.id)
        ).all()
        assert actions == [
            "workshop.open",
            "metric.propose",
            "metric.review",
            "metric.new_version",
            "metric.review",
            "metric.review",
            "metric.review",
            "metric.finalize",
        ]
        assert audit.verify(session).ok


def test_participants_need_the_workshops_view(team: Team) -> None:
    _user(team.session, "robot@example.org", [])
    with pytest.raises(InvalidInputError, match="does not open workshops"):
        workshops.open_workshop(team.session, team.analyst, "x", ["robot@example.org"])


def test_evaluate_rounds_the_quorum_up() -> None:
    rule = MetricConsensus()
    assert workshops.evaluate(4, [], rule).missing[0] == "quorum: 0 of 4 participants voted, 3 needed"
    assert "no participants" in workshops.evaluate(0, [], rule).missing[0]
