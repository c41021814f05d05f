"""Reads of recorded career decisions. The person a decision is about may always read it, with its
rationale and the AI inputs its maker considered; anyone else needs the charter's `decisions` view and
individual access to employee records for administration, within their scope. Every read is audited
with the person it is about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.errors import NotFoundError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, Decision, deny, enforce
from peoplealign.policy.scope import visible_people
from peoplealign.store.models import Decision as DecisionRow
from peoplealign.store.models import Person, User

DECISIONS_VIEW = "decisions"
PENDING_REVIEW = "pending_review"
EFFECTIVE = "effective"
REJECTED = "rejected"
PURPOSE = "administration"
OWN_PURPOSE = "my_data"


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    type: str
    subject_hris_id: str
    subject_name: str
    decided_by: str
    second_reviewer: str | None
    rationale: str
    considered: list[dict[str, Any]]
    effective_on: str | None
    recorded_at: str
    status: str
    review_note: str | None
    reviewed_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def person_id_for(session: Session, ref: str | int) -> int:
    """A person's id from their HRIS id (or the id itself), for naming the subject of a decision."""
    text = str(ref).strip()
    found = session.scalar(select(Person.id).where(Person.hris_id == text))
    if found is None and text.isdigit():
        found = session.scalar(select(Person.id).where(Person.id == int(text)))
    if found is None:
        raise NotFoundError(f"no person with HRIS id {text!r}")
    return int(found)


def as_record(session: Session, row: DecisionRow) -> DecisionRecord:
    """Only for rows the caller has been authorised to read."""
    person = session.get(Person, row.subject_person_id)
    decider = session.get(User, row.decided_by_user_id)
    reviewer = session.get(User, row.second_reviewer_user_id) if row.second_reviewer_user_id else None
    return DecisionRecord(
        id=row.id,
        type=row.type,
        subject_hris_id=person.hris_id if person else "",
        subject_name=person.name if person else "",
        decided_by=decider.email if decider else "",
        second_reviewer=reviewer.email if reviewer else None,
        rationale=row.rationale,
        considered=list(row.considered_inputs or []),
        effective_on=row.effective_on.isoformat() if row.effective_on else None,
        recorded_at=audit.canonical_time(row.created_at),
        status=row.status,
        review_note=row.review_note,
        reviewed_at=audit.canonical_time(row.reviewed_at) if row.reviewed_at else None,
    )


def _authorize_others(
    session: Session, charter: CharterDocument, actor: Actor, subject: str | None
) -> frozenset[int] | None:
    """The people whose decisions the actor may read (None: everyone), or a refusal."""
    if DECISIONS_VIEW not in charter.views_for(actor.roles):
        decision = Decision(
            False,
            "career decisions are open only to roles whose audience includes the decisions view",
            "audiences.*.views",
        )
        deny(session, actor, Action.READ_INDIVIDUAL.value, "decision", PURPOSE, decision, subject=subject)
    obligations = enforce(session, charter, actor, Action.READ_INDIVIDUAL, "hris", PURPOSE, subject=subject)
    return visible_people(session, obligations.scope, actor.person_id)


def decisions(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    limit: int = 200,
    *,
    awaiting_me: bool = False,
) -> list[DecisionRecord]:
    """Recorded decisions the actor may review, newest first; with `awaiting_me`, only those that
    name the actor as second reviewer and wait for their confirmation."""
    allowed = _authorize_others(session, charter, actor, None)
    query = select(DecisionRow).order_by(DecisionRow.id.desc()).limit(limit)
    if awaiting_me:
        query = query.where(
            DecisionRow.second_reviewer_user_id == actor.user_id, DecisionRow.status == PENDING_REVIEW
        )
    if allowed is not None:
        query = query.where(DecisionRow.subject_person_id.in_(sorted(allowed - {actor.person_id})))
    records = [as_record(session, r) for r in session.scalars(query)]
    audit.record(
        session,
        actor,
        Action.READ_INDIVIDUAL.value,
        "decision",
        purpose=PURPOSE,
        detail={
            "decisions": [r.id for r in records],
            "subjects": sorted({r.subject_hris_id for r in records}),
        },
    )
    return records


def decision(session: Session, charter: CharterDocument, actor: Actor, decision_id: int) -> DecisionRecord:
    """One decision: its subject's own, or one the actor may review."""
    row = session.get(DecisionRow, decision_id)
    if row is None:
        raise NotFoundError(f"no decision with id {decision_id}")
    person = session.get(Person, row.subject_person_id)
    subject = person.hris_id if person else None
    own = row.subject_person_id == actor.person_id
    if own:
        enforce(session, charter, actor, Action.READ_OWN, "hris", OWN_PURPOSE, subject=subject)
    else:
        allowed = _authorize_others(session, charter, actor, subject)
        if allowed is not None and row.subject_person_id not in allowed:
            refusal = Decision(
                False, "the person is outside the actor's own reporting subtree", "audiences.*.scope"
            )
            deny(session, actor, Action.READ_INDIVIDUAL.value, "decision", PURPOSE, refusal, subject=subject)
    audit.record(
        session,
        actor,
        (Action.READ_OWN if own else Action.READ_INDIVIDUAL).value,
        "decision",
        subject=subject,
        purpose=OWN_PURPOSE if own else PURPOSE,
        detail={"decision": row.id},
    )
    return as_record(session, row)


def own_decisions(
    session: Session, charter: CharterDocument, actor: Actor, person: Person
) -> list[DecisionRecord]:
    """Decisions about the actor's own person, for "my data" (the caller has checked the link)."""
    enforce(session, charter, actor, Action.READ_OWN, "hris", OWN_PURPOSE, subject=person.hris_id)
    rows = session.scalars(
        select(DecisionRow).where(DecisionRow.subject_person_id == person.id).order_by(DecisionRow.id.desc())
    )
    return [as_record(session, r) for r in rows]
