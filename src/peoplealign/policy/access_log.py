"""A person's access log: every event in the audit trail about their record made by someone else.

An event is about a person when its `subject` is their HRIS id, or when it is a read of many records
at once whose detail lists them under `subjects` (the gateway's `people()` read and the recommendation
queue do that, so a list read is as visible to each person as a read of their record alone). The
audit writer indexes both in `audit_event_subject`, so the log is a look-up of the person's id, not a
scan of every event. The person's own reads are left out: the log answers "who looked at my data",
not "what did I do".

Reading the log is itself a read of the person's own record, so it is authorised and audited too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.errors import NotFoundError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, enforce
from peoplealign.store.models import AuditEvent, AuditEventSubject, Person, User

PURPOSE = "my_data"
MAX_EVENTS = 1000


@dataclass(frozen=True)
class AccessEntry:
    id: int
    occurred_at: str
    actor: str
    action: str
    data: str
    purpose: str | None
    outcome: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "occurred_at": self.occurred_at,
            "actor": self.actor,
            "action": self.action,
            "data": self.data,
            "purpose": self.purpose,
            "outcome": self.outcome,
        }


def own_person(session: Session, actor: Actor) -> Person:
    """The person record a login is linked to; without one there is no "my data" to show."""
    person = session.get(Person, actor.person_id) if actor.person_id is not None else None
    if person is None:
        raise NotFoundError(
            f"{actor.email} is not linked to a person record, so there is no personal data to show; "
            "an administrator links logins to people with `peoplealign users add --person HRIS_ID`"
        )
    return person


def access_log(
    session: Session, charter: CharterDocument, actor: Actor, offset: int = 0, limit: int = MAX_EVENTS
) -> tuple[list[AccessEntry], int]:
    """Newest first, `limit` entries from `offset`: reads, refusals and changes of the actor's own
    record by anyone else; and how many the log holds in all (a page shows fifty, while someone whose
    record is read often has thousands)."""
    person = own_person(session, actor)
    enforce(session, charter, actor, Action.READ_OWN, "hris", PURPOSE, subject=person.hris_id)
    own_logins = {e.lower() for e in session.scalars(select(User.email).where(User.person_id == person.id))}
    own_logins.add(actor.email.lower())
    about_me = (
        select(AuditEvent.id)
        .join(AuditEventSubject, AuditEventSubject.event_id == AuditEvent.id)
        .where(AuditEventSubject.subject == person.hris_id, AuditEvent.actor.not_in(sorted(own_logins)))
    )
    total = int(session.scalar(select(func.count()).select_from(about_me.subquery())) or 0)
    rows = session.execute(
        about_me.with_only_columns(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.resource,
            AuditEvent.purpose,
            AuditEvent.outcome,
        )
        .order_by(AuditEventSubject.event_id.desc())
        .offset(offset)
        .limit(limit)
    )
    entries = [
        AccessEntry(
            row.id,
            audit.canonical_time(row.occurred_at),
            row.actor,
            row.action,
            row.resource,
            row.purpose,
            row.outcome,
        )
        for row in rows
    ]
    audit.record(
        session,
        actor,
        "read_own",
        "audit",
        subject=person.hris_id,
        purpose=PURPOSE,
        detail={"access_log_entries": len(entries), "from": offset},
    )
    return entries, total
