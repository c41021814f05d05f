"""The recommendation queue: AI recommendations become human conversations, never penalties.

Each recommendation is shown with its explanation, evidence and model version; a person accepts it,
dismisses it with a reason, snoozes it to a date, or records what came of it. The outcome is stored
on the recommendation (status `done`) so the ROI analysis can count what the conversations achieved.
Which recommendations an actor sees, and may act on, is the charter's decision
(`policy.recommendation_access`); every action is audited with the person it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.recommendation_access import Listed, RecommendationAccess, Visible
from peoplealign.policy.text_intake import redacted_text

ACTIVE_STATUSES = ("open", "accepted", "snoozed")
FINAL_STATUSES = ("dismissed", "done")


class QueueAction(StrEnum):
    ACCEPT = "accept"
    DISMISS = "dismiss"
    SNOOZE = "snooze"
    OUTCOME = "outcome"


# Which statuses each action may start from.
ALLOWED_FROM: dict[QueueAction, tuple[str, ...]] = {
    QueueAction.ACCEPT: ("open", "snoozed"),
    QueueAction.DISMISS: ("open", "accepted", "snoozed"),
    QueueAction.SNOOZE: ("open", "accepted"),
    QueueAction.OUTCOME: ("open", "accepted", "snoozed"),
}

DONE_AS = {
    QueueAction.ACCEPT: "accepted",
    QueueAction.DISMISS: "dismissed",
    QueueAction.SNOOZE: "snoozed",
    QueueAction.OUTCOME: "given an outcome",
}


@dataclass(frozen=True)
class QueueItem:
    id: int
    kind: str
    title: str
    explanation: str
    evidence: dict[str, Any]
    model_version: str | None
    status: str
    subject: str | None  # the person's name, or [redacted] where the charter hides identities
    subject_hris_id: str | None
    org_unit: str | None
    created_at: dt.datetime
    snoozed_until: dt.date | None
    dismiss_reason: str | None
    outcome: str | None

    @classmethod
    def of(cls, visible: Visible) -> QueueItem:
        row, named = visible.row, visible.named
        return cls(
            id=row.id,
            kind=row.kind,
            title=row.title,
            explanation=row.explanation,
            evidence=dict(row.evidence or {}),
            model_version=row.model_version,
            status=row.status,
            subject=named.subject_name,
            subject_hris_id=named.subject_hris_id,
            org_unit=named.org_unit_name,
            created_at=row.created_at,
            snoozed_until=row.snoozed_until,
            dismiss_reason=row.dismiss_reason,
            outcome=row.outcome,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "explanation": self.explanation,
            "evidence": self.evidence,
            "model_version": self.model_version,
            "status": self.status,
            "subject": self.subject,
            "subject_hris_id": self.subject_hris_id,
            "org_unit": self.org_unit,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "snoozed_until": self.snoozed_until.isoformat() if self.snoozed_until else None,
            "dismiss_reason": self.dismiss_reason,
            "outcome": self.outcome,
        }


def queue_listing(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    *,
    include_closed: bool = False,
    today: dt.date | None = None,
) -> list[Listed]:
    """What the actor should work on: open and accepted recommendations, and snoozed ones whose date
    has come; with `include_closed`, also those dismissed or done. Listed without whom they are about
    or their text, and audited as counts: a page loads the few it shows (`queue_items`), which audits
    who was shown; a count needs none."""
    day = today or dt.date.today()
    statuses = ACTIVE_STATUSES + (FINAL_STATUSES if include_closed else ())
    return RecommendationAccess(session, actor, charter).queue(statuses, awake_on=day)


def queue_items(
    session: Session, charter: CharterDocument, actor: Actor, listed: Sequence[Listed]
) -> list[QueueItem]:
    """The recommendations behind entries of `queue_listing`, in full and in the same order; audited as
    a read of each of them and the people they are about."""
    return [QueueItem.of(v) for v in RecommendationAccess(session, actor, charter).details(listed)]


def recommendation_queue(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    *,
    include_closed: bool = False,
    today: dt.date | None = None,
) -> list[QueueItem]:
    """The whole queue in full, for the API and the command line: audited as the listing's counts and
    a read of every recommendation and person in it."""
    listed = queue_listing(session, charter, actor, include_closed=include_closed, today=today)
    return queue_items(session, charter, actor, listed)


def show_recommendation(
    session: Session, charter: CharterDocument, actor: Actor, recommendation_id: int
) -> QueueItem:
    return QueueItem.of(RecommendationAccess(session, actor, charter).get(recommendation_id))


def act(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    recommendation_id: int,
    action: QueueAction | str,
    *,
    reason: str | None = None,
    until: dt.date | None = None,
    outcome: str | None = None,
    today: dt.date | None = None,
) -> QueueItem:
    """Apply one action by a named person; the change and who made it are audited."""
    if action not in set(QueueAction):
        raise InvalidInputError(f"unknown action {action!r}; expected accept, dismiss, snooze or outcome")
    action = QueueAction(action)
    if actor.is_system:
        raise InvalidInputError("recommendations are acted on by people, not by unattended jobs")
    visible = RecommendationAccess(session, actor, charter).get(
        recommendation_id, purpose_detail={"queue_action": action.value}
    )
    row = visible.row
    if row.status not in ALLOWED_FROM[action]:
        raise InvalidInputError(
            f"recommendation {row.id} is {row.status}; it can be {DONE_AS[action]} only when it is "
            f"{' or '.join(ALLOWED_FROM[action])}"
        )
    before = row.status
    day = today or dt.date.today()
    if action is QueueAction.ACCEPT:
        row.status = "accepted"
        row.snoozed_until = None
    elif action is QueueAction.DISMISS:
        row.dismiss_reason = redacted_text(session, reason, what="a reason for dismissing")
        row.status = "dismissed"
    elif action is QueueAction.SNOOZE:
        if until is None or until <= day:
            raise InvalidInputError(f"snooze needs a date after today ({day.isoformat()})")
        row.status = "snoozed"
        row.snoozed_until = until
    else:
        row.outcome = redacted_text(session, outcome, what="the outcome")
        row.outcome_recorded_at = dt.datetime.now(dt.UTC)
        row.status = "done"
    row.acted_by_user_id = actor.user_id
    row.acted_at = dt.datetime.now(dt.UTC)
    session.flush()
    audit.record(
        session,
        actor,
        f"recommendation.{action.value}",
        "recommendation",
        subject=visible.named.subject_hris_id,
        purpose=visible.named.rule.purpose,
        outcome="changed",
        detail={"recommendation": row.id, "kind": row.kind, "from": before, "to": row.status},
    )
    return QueueItem.of(visible)
