"""Check-ins instead of interrogations: a manager and a direct report write down what they talked
about (notes, goals, feedback). They stay between the two of them unless the employee shares them;
who may read one is decided in `policy.check_in_access`.

The check-ins page shows a manager the coaching prompts published for their teams
(`metrics.coaching`) beside these conversations: team-level signals, never about one person.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, PermissionDeniedError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.check_in_access import PURPOSE, RESOURCE, CheckInAccess, CheckInView
from peoplealign.policy.text_intake import bounded_text
from peoplealign.store.models import CheckIn


def create_check_in(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    *,
    employee_hris_id: str,
    held_on: dt.date,
    notes: str | None,
    goals: str | None,
    feedback: str | None,
) -> CheckInView:
    """A manager records a check-in with one of their direct reports."""
    access = CheckInAccess(session, actor, charter)
    employee = access.direct_report(employee_hris_id)
    fields = {
        "notes": bounded_text(notes, what="notes"),
        "goals": bounded_text(goals, what="goals"),
        "feedback": bounded_text(feedback, what="feedback"),
    }
    if not any(fields.values()):
        raise InvalidInputError("a check-in needs notes, goals or feedback")
    if held_on > dt.date.today():
        raise InvalidInputError("a check-in is recorded after it is held, not for a future date")
    assert actor.person_id is not None
    row = CheckIn(
        manager_person_id=actor.person_id,
        employee_person_id=employee.id,
        held_on=held_on,
        shared_by_employee=False,
        **fields,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "check_in.create",
        RESOURCE,
        subject=employee.hris_id,
        purpose=PURPOSE,
        outcome="changed",
        detail={"check_in": row.id},
    )
    return access.get(row.id)[1]


def set_shared(
    session: Session, charter: CharterDocument, actor: Actor, check_in_id: int, shared: bool
) -> CheckInView:
    """Only the employee decides whether their check-in is shared beyond the two of them."""
    access = CheckInAccess(session, actor, charter)
    row, view = access.get(check_in_id)
    if view.role != "employee":
        raise PermissionDeniedError("only the employee in a check-in can share it or make it private again")
    row.shared_by_employee = shared
    session.flush()
    audit.record(
        session,
        actor,
        "check_in.share" if shared else "check_in.unshare",
        RESOURCE,
        subject=view.employee_hris_id,
        purpose=PURPOSE,
        outcome="changed",
        detail={"check_in": row.id},
    )
    return access.get(row.id)[1]
