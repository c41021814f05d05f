"""Workshops: the people who are measured agree on the measures before any dashboard shows them.

An analyst opens a workshop with participants (managers and individual contributors) and proposes
metric definitions. Participants approve, object (with a reason; blocking or not) or suggest a
parameter change, rate whether the metric reflects high performance here (1-5) and comment. A
suggested change is a new version: votes on the old one no longer count. A version can be
finalised (approved, so it becomes the metric's active version) only when the charter's consensus
rule holds: a quorum of participants voted, enough of them approve, and no blocking objection is
unresolved. At most `max_active_kpis` metrics are active at once. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.accounts.users import find_user
from peoplealign.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from peoplealign.metrics.definitions import Spec, spec_of, store_version, with_parameters
from peoplealign.metrics.library import measure
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import active_charter
from peoplealign.policy.charter_document import CharterDocument, MetricConsensus
from peoplealign.store.models import MetricDefinition, MetricReview, User, Workshop, WorkshopParticipant

FACILITATOR_VIEW = "metrics"
PARTICIPANT_VIEW = "workshops"
VERDICTS = ("approve", "object", "suggest")
RESOURCE = "metric_workshop"


class ConsensusNotReached(InvalidInputError):
    """Finalising was refused: the message lists what the consensus rule still needs."""


class KpiCapReached(InvalidInputError):
    """Finalising would make more metrics active than the charter allows."""


@dataclass(frozen=True)
class Consensus:
    """Where one version stands against the charter's rule, with the reasons it is not there yet."""

    participants: int
    voted: int
    approvals: int
    objections: int
    blocking: int
    suggestions: int
    mean_rating: float | None
    rule: MetricConsensus
    missing: list[str] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return not self.missing

    @property
    def turnout(self) -> float:
        return self.voted / self.participants if self.participants else 0.0

    @property
    def approval_share(self) -> float:
        return self.approvals / self.voted if self.voted else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "participants": self.participants,
            "voted": self.voted,
            "turnout": round(self.turnout, 3),
            "approvals": self.approvals,
            "approval_share": round(self.approval_share, 3),
            "objections": self.objections,
            "unresolved_blocking_objections": self.blocking,
            "suggestions": self.suggestions,
            "mean_rating": self.mean_rating,
            "quorum_required": self.rule.quorum,
            "approval_required": self.rule.approval,
            "reached": self.reached,
            "missing": self.missing,
        }


def evaluate(participants: int, reviews: Sequence[MetricReview], rule: MetricConsensus) -> Consensus:
    """The consensus rule as a pure function of the votes that count (one per participant)."""
    voted = len(reviews)
    approvals = sum(r.verdict == "approve" for r in reviews)
    objections = sum(r.verdict == "object" for r in reviews)
    blocking = sum(r.verdict == "object" and r.blocking and not r.resolved for r in reviews)
    ratings = [r.reflects_high_performance for r in reviews if r.reflects_high_performance is not None]
    missing = []
    if participants == 0:
        missing.append("the workshop has no participants")
    elif voted / participants < rule.quorum:
        needed = _at_least(rule.quorum * participants)
        missing.append(f"quorum: {voted} of {participants} participants voted, {needed} needed")
    if voted and approvals / voted < rule.approval:
        missing.append(
            f"approval: {approvals} of {voted} votes approve ({approvals / voted:.0%}), "
            f"at least {rule.approval:.0%} needed"
        )
    if blocking:
        missing.append(f"{blocking} blocking objection(s) not resolved")
    return Consensus(
        participants,
        voted,
        approvals,
        objections,
        blocking,
        sum(r.verdict == "suggest" for r in reviews),
        round(sum(ratings) / len(ratings), 2) if ratings else None,
        rule,
        missing,
    )


def _at_least(value: float) -> int:
    whole = int(value)
    return whole if whole >= value - 1e-9 else whole + 1


# --- permissions --------------------------------------------------------------------------------


def _refuse(session: Session, actor: Actor, action: str, reason: str, subject: Any = None) -> None:
    audit.record_denial(session, actor, action, RESOURCE, subject=subject, detail={"reason": reason})
    raise PermissionDeniedError(f"denied: {actor.email} may not {action.split('.')[-1]}: {reason}")


def _require_facilitator(session: Session, actor: Actor, charter: CharterDocument, action: str) -> None:
    if FACILITATOR_VIEW not in charter.views_for(actor.roles):
        _refuse(
            session, actor, action, "only roles the charter gives the metrics view (analysts) run workshops"
        )


def _require_participant(session: Session, actor: Actor, workshop: Workshop, action: str) -> None:
    if actor.user_id is None or session.get(WorkshopParticipant, (workshop.id, actor.user_id)) is None:
        _refuse(session, actor, action, f"not a participant of workshop {workshop.id}", workshop.id)


def require_access(session: Session, actor: Actor, workshop: Workshop) -> None:
    """Facilitators see every workshop; others only those they take part in."""
    if FACILITATOR_VIEW not in active_charter(session).views_for(actor.roles):
        _require_participant(session, actor, workshop, "workshop.view")


# --- workshops ----------------------------------------------------------------------------------


def open_workshop(session: Session, actor: Actor, title: str, participant_emails: Iterable[str]) -> Workshop:
    """A workshop with participants who may join one (their roles open the workshops view)."""
    charter = active_charter(session)
    _require_facilitator(session, actor, charter, "workshop.open")
    if not title.strip():
        raise InvalidInputError("a workshop needs a title")
    users: list[User] = []
    for email in dict.fromkeys(e.strip() for e in participant_emails if e.strip()):
        user = find_user(session, email)
        if user is None or not user.is_active:
            raise NotFoundError(f"no active user {email!r}")
        if PARTICIPANT_VIEW not in charter.views_for(user.roles):
            raise InvalidInputError(f"{email}: the charter does not open workshops to their roles")
        users.append(user)
    if not users:
        raise InvalidInputError("a workshop needs participants (managers and individual contributors)")
    workshop = Workshop(title=title.strip(), status="open", opened_by_user_id=actor.user_id)
    session.add(workshop)
    session.flush()
    for user in users:
        capacity = "manager" if "manager" in user.roles else "contributor"
        session.add(WorkshopParticipant(workshop_id=workshop.id, user_id=user.id, capacity=capacity))
    session.flush()
    _changed(
        session, actor, "workshop.open", workshop.id, {"title": workshop.title, "participants": len(users)}
    )
    return workshop


def get_workshop(session: Session, workshop_id: int) -> Workshop:
    found = session.get(Workshop, workshop_id)
    if found is None:
        raise NotFoundError(f"no workshop {workshop_id}")
    return found


def latest_open_workshop(session: Session) -> Workshop | None:
    return session.scalar(
        select(Workshop).where(Workshop.status == "open").order_by(Workshop.id.desc()).limit(1)
    )


def workshops_of(session: Session, actor: Actor) -> list[Workshop]:
    """Workshops the actor takes part in, or every workshop for a facilitator."""
    query = select(Workshop).order_by(Workshop.id.desc())
    if FACILITATOR_VIEW not in active_charter(session).views_for(actor.roles):
        query = query.join(WorkshopParticipant).where(WorkshopParticipant.user_id == actor.user_id)
    return list(session.scalars(query))


def participants(session: Session, workshop_id: int) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, WorkshopParticipant.capacity)
        .join(WorkshopParticipant, WorkshopParticipant.user_id == User.id)
        .where(WorkshopParticipant.workshop_id == workshop_id)
        .order_by(User.email)
    ).all()
    return [(user, capacity) for user, capacity in rows]


def close_workshop(session: Session, actor: Actor, workshop_id: int) -> Workshop:
    """No more votes or proposals; versions still in review stay as they are (the history)."""
    _require_facilitator(session, actor, active_charter(session), "workshop.close")
    workshop = _open(session, workshop_id)
    workshop.status = "closed"
    workshop.closed_at = dt.datetime.now(dt.UTC)
    _changed(session, actor, "workshop.close", workshop.id, {})
    return workshop


def _open(session: Session, workshop_id: int | None) -> Workshop:
    if workshop_id is None:
        raise InvalidInputError("this metric version is not part of a workshop")
    workshop = get_workshop(session, workshop_id)
    if workshop.status != "open":
        raise InvalidInputError(f"workshop {workshop.id} is closed")
    return workshop


# --- proposals and reviews ----------------------------------------------------------------------


def propose(session: Session, actor: Actor, workshop_id: int, spec: Spec) -> MetricDefinition:
    """Put a definition up for review in a workshop: a new version of its key, in review."""
    _require_facilitator(session, actor, active_charter(session), "metric.propose")
    workshop = _open(session, workshop_id)
    pending = session.scalar(
        select(MetricDefinition).where(
            MetricDefinition.key == spec.key, MetricDefinition.status == "in_review"
        )
    )
    if pending is not None:
        raise InvalidInputError(
            f"{spec.key} version {pending.version} is already in review; review or finalise it first"
        )
    row = store_version(session, spec, status="in_review", workshop_id=workshop.id)
    _changed(session, actor, "metric.propose", row.id, {**_version(row), "workshop": workshop.id})
    return row


def get_version(session: Session, definition_id: int) -> MetricDefinition:
    found = session.get(MetricDefinition, definition_id)
    if found is None:
        raise NotFoundError(f"no metric definition version with id {definition_id}")
    return found


def review(
    session: Session,
    actor: Actor,
    definition_id: int,
    verdict: str,
    *,
    reason: str | None = None,
    blocking: bool = False,
    parameters: Mapping[str, Any] | None = None,
    rating: int | None = None,
    comment: str | None = None,
) -> tuple[MetricReview, MetricDefinition]:
    """A participant's vote on a version in review; a later vote by the same person replaces theirs.

    Returns the review and the version now in review: for a suggested parameter change that is a
    new version (the suggested parameters over the current ones) on which nobody has voted yet."""
    row = get_version(session, definition_id)
    workshop = _open(session, row.workshop_id)
    _require_participant(session, actor, workshop, "metric.review")
    if row.status != "in_review":
        raise InvalidInputError(
            f"{row.key} version {row.version} is {row.status.replace('_', ' ')}, not in review"
        )
    if verdict not in VERDICTS:
        raise InvalidInputError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    if verdict == "object" and not (reason or "").strip():
        raise InvalidInputError("an objection needs a reason")
    if verdict == "suggest" and not parameters:
        raise InvalidInputError("a suggestion names the parameters to change")
    if rating is not None and not 1 <= rating <= 5:
        raise InvalidInputError("the rating is from 1 (not at all) to 5 (very much)")
    suggested = measure(row.measure).resolve({**row.parameters, **parameters}) if parameters else None
    if verdict == "suggest" and suggested == row.parameters:
        raise InvalidInputError("the suggested parameters are the ones this version already has")
    vote = session.scalar(
        select(MetricReview).where(
            MetricReview.metric_definition_id == row.id, MetricReview.reviewer_user_id == actor.user_id
        )
    ) or MetricReview(metric_definition_id=row.id, reviewer_user_id=actor.user_id)
    vote.verdict = verdict
    vote.blocking = verdict == "object" and blocking
    vote.resolved = False
    vote.reason = (reason or "").strip() or None
    vote.suggested_parameters = suggested if verdict == "suggest" else None
    vote.reflects_high_performance = rating
    vote.comment = (comment or "").strip() or None
    session.add(vote)
    session.flush()
    detail = {**_version(row), "verdict": verdict, "blocking": vote.blocking, "rating": rating}
    _changed(session, actor, "metric.review", row.id, detail)
    current = row
    if verdict == "suggest" and suggested is not None:
        current = _new_version(session, actor, row, suggested)
    return vote, current


def _new_version(
    session: Session, actor: Actor, row: MetricDefinition, parameters: Mapping[str, Any]
) -> MetricDefinition:
    """A parameter change is a different metric: a new version in review, with no votes yet."""
    row.status = "retired"
    spec = with_parameters(spec_of(row), parameters)
    session.flush()
    new = store_version(session, spec, status="in_review", workshop_id=row.workshop_id)
    detail = {**_version(new), "replaces": row.version, "parameters": dict(parameters)}
    _changed(session, actor, "metric.new_version", new.id, detail)
    return new


def resolve_objection(
    session: Session, actor: Actor, definition_id: int, note: str | None = None
) -> MetricReview:
    """The objector says their blocking objection has been addressed (it stays on record)."""
    row = get_version(session, definition_id)
    _open(session, row.workshop_id)
    vote = session.scalar(
        select(MetricReview).where(
            MetricReview.metric_definition_id == row.id,
            MetricReview.reviewer_user_id == actor.user_id,
            MetricReview.verdict == "object",
        )
    )
    if vote is None:
        raise NotFoundError(f"{actor.email} has no objection to {row.key} version {row.version}")
    vote.resolved = True
    if note and note.strip():
        vote.comment = note.strip()
    _changed(session, actor, "metric.resolve_objection", row.id, _version(row))
    return vote


def votes(session: Session, row: MetricDefinition) -> list[MetricReview]:
    """The votes that count for a version: one per current participant of its workshop."""
    if row.workshop_id is None:
        return []
    members = select(WorkshopParticipant.user_id).where(WorkshopParticipant.workshop_id == row.workshop_id)
    return list(
        session.scalars(
            select(MetricReview)
            .where(MetricReview.metric_definition_id == row.id, MetricReview.reviewer_user_id.in_(members))
            .order_by(MetricReview.id)
        )
    )


def consensus(session: Session, row: MetricDefinition, charter: CharterDocument | None = None) -> Consensus:
    rule = (charter or active_charter(session)).metric_consensus
    count = 0
    if row.workshop_id is not None:
        count = (
            session.scalar(
                select(func.count())
                .select_from(WorkshopParticipant)
                .where(WorkshopParticipant.workshop_id == row.workshop_id)
            )
            or 0
        )
    return evaluate(count, votes(session, row), rule)


# --- finalising ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finalised:
    definition: MetricDefinition
    replaced: int | None
    active: int
    warnings: list[str]


def finalize(session: Session, actor: Actor, definition_id: int) -> Finalised:
    """Make a version the metric's active one, only with consensus and within the KPI cap."""
    charter = active_charter(session)
    _require_facilitator(session, actor, charter, "metric.finalize")
    row = get_version(session, definition_id)
    _open(session, row.workshop_id)
    if row.status != "in_review":
        raise InvalidInputError(
            f"{row.key} version {row.version} is {row.status.replace('_', ' ')}, not in review"
        )
    state = consensus(session, row, charter)
    if not state.reached:
        raise ConsensusNotReached(
            f"{row.key} version {row.version} has no consensus yet: " + "; ".join(state.missing)
        )
    rule = charter.metric_consensus
    previous = session.scalar(
        select(MetricDefinition).where(MetricDefinition.key == row.key, MetricDefinition.status == "approved")
    )
    others = (
        session.scalar(
            select(func.count())
            .select_from(MetricDefinition)
            .where(MetricDefinition.status == "approved", MetricDefinition.key != row.key)
        )
        or 0
    )
    if others + 1 > rule.max_active_kpis:
        raise KpiCapReached(
            f"{others} metrics are already active and the charter allows at most {rule.max_active_kpis} "
            "core KPIs: retire one before finalising another"
        )
    if previous is not None:
        previous.status = "retired"
    row.status = "approved"
    session.flush()
    active = others + 1
    warnings = []
    if active < rule.min_active_kpis:
        warnings.append(
            f"{active} core KPI(s) active; the charter asks for at least {rule.min_active_kpis} "
            f"(and at most {rule.max_active_kpis})"
        )
    detail = {
        **_version(row),
        "replaced": previous.version if previous else None,
        "consensus": state.as_dict(),
    }
    _changed(session, actor, "metric.finalize", row.id, detail)
    return Finalised(row, previous.version if previous else None, active, warnings)


def retire(session: Session, actor: Actor, key: str) -> MetricDefinition:
    """Take a metric off the dashboards (its history stays), making room under the cap."""
    _require_facilitator(session, actor, active_charter(session), "metric.retire")
    row = session.scalar(
        select(MetricDefinition).where(MetricDefinition.key == key, MetricDefinition.status == "approved")
    )
    if row is None:
        raise NotFoundError(f"{key} has no active version")
    row.status = "retired"
    _changed(session, actor, "metric.retire", row.id, _version(row))
    return row


def workshop_versions(session: Session, workshop_id: int) -> list[MetricDefinition]:
    return list(
        session.scalars(
            select(MetricDefinition)
            .where(MetricDefinition.workshop_id == workshop_id)
            .order_by(MetricDefinition.key, MetricDefinition.version)
        )
    )


def _version(row: MetricDefinition) -> dict[str, Any]:
    return {
        "metric": row.key,
        "version": row.version,
        "measure": row.measure,
        "parameters": spec_of(row).parameters,
    }


def _changed(session: Session, actor: Actor, action: str, subject: Any, detail: Mapping[str, Any]) -> None:
    audit.record(session, actor, action, RESOURCE, subject=subject, outcome="changed", detail=detail)
