"""Reading the audit trail itself. The log says who read whose data, so it is personal data too: only
roles whose charter audience opens the `audit` view may read it or have its chain verified, and every
reading, verification (or refusal) is appended to the log it reads.

A reading shows the chain's state from the last full verification and the events checked after it
(`audit.chain_status`), not a walk of the whole chain, which grows with every page view; a full
verification is one request away (`verify_audit_trail`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Decision, deny
from peoplealign.store.models import AuditEvent

AUDIT_VIEW = "audit"
ACTION = "audit.read"
VERIFY_ACTION = "audit.verify"
RESOURCE = "audit"
PURPOSE = "administration"
MAX_EVENTS = 1000
LISTED_ITEMS = 10


@dataclass(frozen=True)
class AuditReview:
    events: list[AuditEvent]
    verification: audit.ChainStatus
    actor_filter: str | None
    subject_filter: str | None
    total: int  # matching events in the whole log, of which `events` is one page

    def as_dict(self) -> dict[str, Any]:
        return {
            "verification": self.verification.as_dict(),
            "filters": {"actor": self.actor_filter, "subject": self.subject_filter},
            "total": self.total,
            "events": [audit.event_as_dict(e) for e in self.events],
        }


def brief_detail(detail: dict[str, Any], items: int = LISTED_ITEMS) -> dict[str, Any]:
    """An event's detail for the page: a list read names thousands of people, which would make one row
    of the table megabytes long; the first few are shown with how many more (the API and
    `peoplealign audit log --format json` give them all)."""
    return {
        key: [*value[:items], f"(and {len(value) - items:,} more)"]
        if isinstance(value, list) and len(value) > items
        else value
        for key, value in detail.items()
    }


def _clean(text: str | None) -> str | None:
    """An empty filter field of the web form means no filter."""
    return (text or "").strip() or None


def _authorise(
    session: Session, charter: CharterDocument, actor: Actor, action: str, detail: dict[str, Any]
) -> None:
    """Refuse, and record the refusal, unless the actor's audience opens the audit view."""
    if AUDIT_VIEW not in charter.views_for(actor.roles):
        roles = ", ".join(sorted(actor.roles)) or "none"
        decision = Decision(
            False,
            f"the audit trail is open only to roles whose audience includes the audit view, not {roles}",
            "audiences.*.views",
        )
        deny(session, actor, action, RESOURCE, PURPOSE, decision, detail=detail)


def review_audit_log(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    *,
    actor_filter: str | None = None,
    subject_filter: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditReview:
    """The newest events (optionally of one actor or about one subject) and whether the chain holds."""
    actor_filter, subject_filter = _clean(actor_filter), _clean(subject_filter)
    detail = {"actor": actor_filter, "subject": subject_filter, "limit": limit, "offset": offset}
    _authorise(session, charter, actor, ACTION, detail)
    if not 1 <= limit <= MAX_EVENTS:
        raise InvalidInputError(f"limit must be between 1 and {MAX_EVENTS}, not {limit}")
    if offset < 0:
        raise InvalidInputError(f"offset must not be negative, not {offset}")
    events = audit.query(session, actor=actor_filter, subject=subject_filter, limit=limit, offset=offset)
    total = audit.count(session, actor=actor_filter, subject=subject_filter)
    verification = audit.chain_status(session)
    audit.record(
        session,
        actor,
        ACTION,
        RESOURCE,
        purpose=PURPOSE,
        detail={**detail, "events": len(events), "chain_ok": verification.ok},
    )
    return AuditReview(events, verification, actor_filter, subject_filter, total)


def verify_audit_trail(session: Session, charter: CharterDocument, actor: Actor) -> audit.FullVerification:
    """Walk the whole chain now (seconds for a long trail) and remember the outcome for later views."""
    _authorise(session, charter, actor, VERIFY_ACTION, {})
    full = audit.verify_fully(session)
    audit.record(
        session,
        actor,
        VERIFY_ACTION,
        RESOURCE,
        purpose=PURPOSE,
        detail={"chain_ok": full.result.ok, "events_checked": full.result.events_checked},
    )
    return full
