"""Significant career decisions (hire, promotion, termination, pay change, performance rating) are made
by a named human, never by an algorithm, and the record says so.

A decision is recorded only when
- a named, active person with a role that the charter gives the `decisions` view decides;
- they give a rationale in their own words;
- a second reviewer (another such person) is named where the charter's `decisions_requiring_human`
  asks for one (termination, by default);
- none of the AI inputs they say they considered is one the charter forbids for that type (a flight
  risk estimate may never feed a promotion, pay or termination decision);
- neither of them is the person the decision is about.
A decision that names a second reviewer is recorded as `pending_review`: naming someone is not their
agreement, so it becomes `effective` only when that reviewer confirms it, with a note of their own, or
`rejected` when they reject it; nobody else can do either.
Every refusal is audited and raised as a `PolicyDenied` naming the charter rule; the subject can read
the decision, its status, its rationale and the AI inputs considered in their "my data".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from peoplealign.accounts.users import find_user
from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.decision_access import (
    DECISIONS_VIEW,
    EFFECTIVE,
    PENDING_REVIEW,
    REJECTED,
    DecisionRecord,
    as_record,
    person_id_for,
)
from peoplealign.policy.decision_inputs import classify, forbidden, parse_refs
from peoplealign.policy.engine import Action, Decision, PolicyDenied, authorize
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.scope import visible_people
from peoplealign.store.models import Decision as DecisionRow
from peoplealign.store.models import Person, User

PURPOSE = "administration"
RESOURCE = "decision"
ACTION = "decision.record"
REVIEW_ACTION = "decision.review"
UNNAMED = Actor(email="unnamed", roles=frozenset())


def decision_types(charter: CharterDocument) -> list[str]:
    return [r.type for r in charter.decision_rules]


class DecisionRefused(PolicyDenied):
    """A career decision the charter does not let be recorded, worded as a decision, not a read."""

    def __init__(self, actor: Actor, decision_type: str, decision: Decision, action: str = ACTION) -> None:
        super().__init__(actor, action, RESOURCE, PURPOSE, decision)
        verb = "reviewed" if action == REVIEW_ACTION else "recorded"
        self.args = (
            f"refused: the {decision_type.replace('_', ' ')} decision cannot be {verb}: "
            f"{decision.reason} (charter rule: {decision.rule})",
        )


def _refuse(
    session: Session,
    actor: Actor,
    reason: str,
    rule: str,
    detail: dict[str, object],
    subject: str | None = None,
    action: str = ACTION,
) -> None:
    """Audit the refusal in its own transaction (the caller's rollback keeps it), then raise it."""
    audit.record_denial(
        session,
        actor,
        action,
        RESOURCE,
        subject=subject,
        purpose=PURPOSE,
        detail={**detail, "reason": reason, "rule": rule},
    )
    raise DecisionRefused(actor, str(detail["type"]), Decision(False, reason, rule), action)


def _decider(
    session: Session,
    charter: CharterDocument,
    email: str | None,
    what: str,
    detail: dict[str, object],
    asking: Actor | None = None,
) -> User:
    """An active login with a role that may make career decisions, or an audited refusal (attributed
    to `asking`, the signed-in person, when the named one does not exist)."""
    user = find_user(session, email) if email and email.strip() else None
    if user is None or not user.is_active:
        named = f" ({email.strip()} is not an active user)" if email and email.strip() else ""
        _refuse(
            session,
            (asking or UNNAMED) if user is None else Actor.from_user(user),
            f"a career decision needs a named human as {what}{named}",
            "decisions_requiring_human",
            detail,
        )
    assert user is not None
    if DECISIONS_VIEW not in charter.views_for(user.roles):
        roles = ", ".join(sorted(user.roles)) or "none"
        allowed = sorted(a.role for a in charter.audiences if DECISIONS_VIEW in a.views)
        _refuse(
            session,
            Actor.from_user(user),
            f"{user.email} ({roles}) may not act as {what}: career decisions are for "
            f"{', '.join(allowed) or 'no role'}",
            "audiences.*.views (decisions)",
            detail,
        )
    return user


def _may_read(session: Session, charter: CharterDocument, user: User, person_id: int) -> bool:
    """Whether the charter lets `user` read the person's record for administration, as reviewing will
    ask of them; checked when they are named, so no decision waits on someone who never could."""
    decision = authorize(charter, Actor.from_user(user), Action.READ_INDIVIDUAL, "hris", PURPOSE)
    if not decision.allowed or decision.obligations is None:
        return False
    allowed = visible_people(session, decision.obligations.scope, user.person_id)
    return allowed is None or person_id in allowed


def record_decision(
    session: Session,
    charter: CharterDocument,
    *,
    decision_type: str,
    subject: str | int,
    decided_by: str | None,
    rationale: str | None,
    second_reviewer: str | None = None,
    considered: str | Sequence[str] | None = None,
    effective_on: dt.date | None = None,
    recorded_by: Actor | None = None,
) -> DecisionRecord:
    """Record one decision or refuse it (audited) with the charter rule that stops it. `recorded_by`
    is the signed-in person on the web, who may record only decisions they make themselves."""
    types = decision_types(charter)
    if decision_type not in types:
        raise InvalidInputError(
            f"unknown decision type {decision_type!r}; expected one of {', '.join(types)}"
        )
    rule = charter.decision_rule(decision_type)
    assert rule is not None
    refs = parse_refs(considered)
    detail: dict[str, object] = {"type": decision_type, "subject": str(subject), "considered": refs}
    if recorded_by is not None and decided_by and decided_by.strip().lower() != recorded_by.email.lower():
        _refuse(
            session,
            recorded_by,
            f"{recorded_by.email} may record only decisions they make themselves, not {decided_by.strip()}'s",
            "decisions_requiring_human",
            detail,
        )
    decider = _decider(session, charter, decided_by, "the decision maker", detail, recorded_by)
    actor = Actor.from_user(decider)
    subject_id = person_id_for(session, subject)
    record = PersonalData(session, actor, PURPOSE, charter).person(subject_id)
    hris_id = str(record["hris_id"])
    if not (rationale or "").strip():
        _refuse(
            session,
            actor,
            "a career decision needs a rationale in the decision maker's own words",
            "decisions_requiring_human",
            detail,
            hris_id,
        )
    reviewer: User | None = None
    if second_reviewer and second_reviewer.strip():
        reviewer = _decider(session, charter, second_reviewer, "second reviewer", detail)
    if rule.second_reviewer and reviewer is None:
        _refuse(
            session,
            actor,
            f"a {decision_type.replace('_', ' ')} decision needs a second reviewer (another person "
            "with a role that may make career decisions)",
            f"decisions_requiring_human.{decision_type}.second_reviewer",
            detail,
            hris_id,
        )
    if reviewer is not None and reviewer.id == decider.id:
        _refuse(
            session,
            actor,
            "the second reviewer must be a different person from the decision maker",
            f"decisions_requiring_human.{decision_type}.second_reviewer",
            detail,
            hris_id,
        )
    if subject_id in {decider.person_id, reviewer.person_id if reviewer else None}:
        _refuse(
            session,
            actor,
            "nobody decides or reviews a career decision about themselves",
            "decisions_requiring_human",
            detail,
            hris_id,
        )
    if reviewer is not None and not _may_read(session, charter, reviewer, subject_id):
        _refuse(
            session,
            actor,
            f"the second reviewer {reviewer.email} may not read {hris_id}'s record, so could never "
            "review this decision",
            "audiences.*.scope",
            detail,
            hris_id,
        )
    inputs = classify(session, charter, refs, subject_id, decision_type)
    refused = forbidden(charter, decision_type, inputs)
    if refused is not None:
        _, reason, rule_name = refused
        _refuse(session, actor, reason, rule_name, detail, hris_id)
    row = DecisionRow(
        type=decision_type,
        subject_person_id=subject_id,
        decided_by_user_id=decider.id,
        second_reviewer_user_id=reviewer.id if reviewer else None,
        rationale=str(rationale).strip(),
        considered_inputs=[i.as_dict() for i in inputs],
        effective_on=effective_on,
        status=PENDING_REVIEW if reviewer else EFFECTIVE,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        ACTION,
        RESOURCE,
        subject=hris_id,
        purpose=PURPOSE,
        outcome="changed",
        detail={
            "decision": row.id,
            "type": decision_type,
            "second_reviewer": reviewer.email if reviewer else None,
            "considered": [i.ref for i in inputs],
            "status": row.status,
        },
    )
    return as_record(session, row)


def review_decision(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    decision_id: int,
    *,
    confirm: bool,
    note: str | None,
) -> DecisionRecord:
    """The named second reviewer confirms (the decision becomes effective) or rejects it, in their own
    words. Anyone else, a reviewer whose role no longer may decide, or a review without a note is
    refused and audited; a decision already reviewed stays as it is."""
    row = session.get(DecisionRow, decision_id)
    if row is None:
        raise NotFoundError(f"no decision with id {decision_id}")
    person = session.get(Person, row.subject_person_id)
    subject = person.hris_id if person else None
    verdict = "confirm" if confirm else "reject"
    detail: dict[str, object] = {"type": row.type, "decision": row.id, "verdict": verdict}
    rule = f"decisions_requiring_human.{row.type}.second_reviewer"
    if actor.is_system or actor.user_id is None or actor.user_id != row.second_reviewer_user_id:
        named = session.get(User, row.second_reviewer_user_id) if row.second_reviewer_user_id else None
        reason = (
            f"only the named second reviewer ({named.email}) may confirm or reject decision {row.id}"
            if named
            else f"decision {row.id} names no second reviewer: there is nothing to review"
        )
        _refuse(session, actor, reason, rule, detail, subject, REVIEW_ACTION)
    if DECISIONS_VIEW not in charter.views_for(actor.roles):
        _refuse(
            session,
            actor,
            f"{actor.email} no longer has a role that may make career decisions",
            "audiences.*.views (decisions)",
            detail,
            subject,
            REVIEW_ACTION,
        )
    if row.status != PENDING_REVIEW:
        raise InvalidInputError(f"decision {row.id} has already been reviewed: it is {row.status}")
    text = (note or "").strip()
    if not text:
        _refuse(
            session,
            actor,
            "a second review needs a note in the reviewer's own words",
            "decisions_requiring_human",
            detail,
            subject,
            REVIEW_ACTION,
        )
    PersonalData(session, actor, PURPOSE, charter).person(row.subject_person_id)
    row.status = EFFECTIVE if confirm else REJECTED
    row.review_note = text
    row.reviewed_at = dt.datetime.now(dt.UTC)
    session.flush()
    audit.record(
        session,
        actor,
        REVIEW_ACTION,
        RESOURCE,
        subject=subject,
        purpose=PURPOSE,
        outcome="changed",
        detail={**detail, "status": row.status},
    )
    return as_record(session, row)
