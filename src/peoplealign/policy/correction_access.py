"""Correction requests: an employee asks HR to fix something held about them; HR resolves it.

The employee reads and files their own. Reading and resolving everyone's needs individual access to
employee records for administration at organisation scope (HR partners, by default), and each
request read or resolved is audited with the person it is about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, Decision, deny, enforce
from peoplealign.policy.scope import Scope
from peoplealign.policy.text_intake import bounded_text
from peoplealign.store.models import CorrectionRequest, Person, User

PURPOSE = "administration"
OWN_PURPOSE = "my_data"
RESOURCE = "correction_request"
RESOLUTIONS = ("accepted", "rejected")
MAX_TEXT = 2000


@dataclass(frozen=True)
class CorrectionView:
    id: int
    person_hris_id: str
    person_name: str
    field: str
    requested_value: str | None
    reason: str | None
    status: str
    requested_at: str
    resolved_by: str | None
    resolution: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _view(session: Session, row: CorrectionRequest) -> CorrectionView:
    person = session.get(Person, row.person_id)
    resolver = session.get(User, row.resolved_by_user_id) if row.resolved_by_user_id else None
    return CorrectionView(
        row.id,
        person.hris_id if person else "",
        person.name if person else "",
        row.field,
        row.requested_value,
        row.reason,
        row.status,
        audit.canonical_time(row.created_at),
        resolver.email if resolver else None,
        row.resolution,
    )


def request_correction(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    person: Person,
    field: str,
    requested_value: str | None,
    reason: str | None,
) -> CorrectionView:
    """The actor's own request about their own record (the caller checked the link)."""
    enforce(session, charter, actor, Action.READ_OWN, "hris", OWN_PURPOSE, subject=person.hris_id)
    what = bounded_text(field, what="the field", limit=MAX_TEXT)
    if what is None:
        raise InvalidInputError("say which information is wrong")
    row = CorrectionRequest(
        person_id=person.id,
        field=what[:100],
        requested_value=bounded_text(requested_value, what="the correct value", limit=MAX_TEXT),
        reason=bounded_text(reason, what="the reason", limit=MAX_TEXT),
        status="open",
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "correction.request",
        RESOURCE,
        subject=person.hris_id,
        purpose=OWN_PURPOSE,
        outcome="changed",
        detail={"request": row.id, "field": row.field},
    )
    return _view(session, row)


def own_corrections(session: Session, actor: Actor, person: Person) -> list[CorrectionView]:
    """The actor's own requests (their own data; the caller authorised the my-data read)."""
    rows = session.scalars(
        select(CorrectionRequest)
        .where(CorrectionRequest.person_id == person.id)
        .order_by(CorrectionRequest.id)
    )
    return [_view(session, r) for r in rows]


def _authorize_hr(session: Session, charter: CharterDocument, actor: Actor, subject: str | None) -> None:
    obligations = enforce(session, charter, actor, Action.READ_INDIVIDUAL, "hris", PURPOSE, subject=subject)
    if obligations.scope is not Scope.ORGANISATION:
        deny(
            session,
            actor,
            Action.READ_INDIVIDUAL.value,
            RESOURCE,
            PURPOSE,
            Decision(
                False,
                "correction requests are resolved by roles with organisation-wide records access",
                "audiences.*.scope",
            ),
            subject=subject,
        )


def open_corrections(session: Session, charter: CharterDocument, actor: Actor) -> list[CorrectionView]:
    """Everyone's unresolved requests, oldest first, for HR to work through."""
    _authorize_hr(session, charter, actor, None)
    rows = session.scalars(
        select(CorrectionRequest).where(CorrectionRequest.status == "open").order_by(CorrectionRequest.id)
    )
    views = [_view(session, r) for r in rows]
    audit.record(
        session,
        actor,
        Action.READ_INDIVIDUAL.value,
        RESOURCE,
        purpose=PURPOSE,
        detail={"requests": [v.id for v in views], "subjects": sorted({v.person_hris_id for v in views})},
    )
    return views


def resolve_correction(
    session: Session, charter: CharterDocument, actor: Actor, request_id: int, status: str, resolution: str
) -> CorrectionView:
    """Accept or reject with a note the employee reads; the record itself is fixed at its source (the
    HRIS), and the next import brings the correction here."""
    row = session.get(CorrectionRequest, request_id)
    if row is None:
        raise NotFoundError(f"no correction request with id {request_id}")
    person = session.get(Person, row.person_id)
    _authorize_hr(session, charter, actor, person.hris_id if person else None)
    if status not in RESOLUTIONS:
        raise InvalidInputError(f"resolve as accepted or rejected, not {status!r}")
    if row.status != "open":
        raise InvalidInputError(f"correction request {row.id} is already {row.status}")
    note = bounded_text(resolution, what="the resolution", limit=MAX_TEXT)
    if note is None:
        raise InvalidInputError("tell the employee what was done (a resolution note is required)")
    row.status = status
    row.resolution = note
    row.resolved_by_user_id = actor.user_id
    row.resolved_at = dt.datetime.now(dt.UTC)
    session.flush()
    audit.record(
        session,
        actor,
        "correction.resolve",
        RESOURCE,
        subject=person.hris_id if person else None,
        purpose=PURPOSE,
        outcome="changed",
        detail={"request": row.id, "status": status},
    )
    return _view(session, row)
