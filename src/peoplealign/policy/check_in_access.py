"""Who may read a manager–employee check-in: the two people in it, always; anyone else only once the
employee has shared it, and then only those the charter lets read the employee's individual record
for development (HR partners; managers higher up their reporting line). A check-in is a
conversation, not a file on someone: nobody else reads it by default, and every read names the
employee as its subject so it appears in their access log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from peoplealign.errors import NotFoundError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, Decision, authorize, deny
from peoplealign.policy.scope import visible_people
from peoplealign.store.models import CheckIn, Person

PURPOSE = "development"
RESOURCE = "check_in"


@dataclass(frozen=True)
class CheckInView:
    id: int
    manager: str
    manager_hris_id: str
    employee: str
    employee_hris_id: str
    held_on: dt.date
    notes: str | None
    goals: str | None
    feedback: str | None
    shared: bool
    role: str  # the reader's part: manager | employee | shared with them

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "held_on": self.held_on.isoformat()}


class CheckInAccess:
    def __init__(self, session: Session, actor: Actor, charter: CharterDocument) -> None:
        self.session = session
        self.actor = actor
        self.charter = charter

    def _view(self, row: CheckIn, role: str) -> CheckInView:
        manager = self.session.get(Person, row.manager_person_id)
        employee = self.session.get(Person, row.employee_person_id)
        assert manager is not None and employee is not None
        return CheckInView(
            row.id,
            manager.name,
            manager.hris_id,
            employee.name,
            employee.hris_id,
            row.held_on,
            row.notes,
            row.goals,
            row.feedback,
            row.shared_by_employee,
            role,
        )

    def _load_people(self, rows: Sequence[CheckIn]) -> list[Person]:
        """The managers and employees of the rows in one query instead of two per row."""
        ids = {r.manager_person_id for r in rows} | {r.employee_person_id for r in rows}
        return list(self.session.scalars(select(Person).where(Person.id.in_(ids)))) if ids else []

    def _role(self, row: CheckIn) -> str | None:
        me = self.actor.person_id
        if me is not None and row.manager_person_id == me:
            return "manager"
        if me is not None and row.employee_person_id == me:
            return "employee"
        return None

    def _may_read_records(self) -> bool:
        return authorize(self.charter, self.actor, Action.READ_INDIVIDUAL, "hris", PURPOSE).allowed

    def _shared_reach(self) -> frozenset[int] | None:
        """Whose shared check-ins the actor may read: None is everyone."""
        decision = authorize(self.charter, self.actor, Action.READ_INDIVIDUAL, "hris", PURPOSE)
        if not decision.allowed or decision.obligations is None:
            return frozenset()
        return visible_people(self.session, decision.obligations.scope, self.actor.person_id)

    def _audit(self, views: list[CheckInView], detail: dict[str, Any]) -> None:
        subjects = sorted({v.employee_hris_id for v in views})
        audit.record(
            self.session,
            self.actor,
            Action.READ_INDIVIDUAL.value,
            RESOURCE,
            subject=subjects[0] if len(subjects) == 1 else None,
            purpose=PURPOSE,
            detail={**detail, "check_ins": [v.id for v in views], "subjects": subjects},
        )

    def visible(self) -> list[CheckInView]:
        """The actor's own check-ins (as manager or employee) and those shared with them, newest first,
        read in one query with their people in a second."""
        me = self.actor.person_id
        readable: list[ColumnElement[bool]] = (
            [] if me is None else [CheckIn.manager_person_id == me, CheckIn.employee_person_id == me]
        )
        reach = self._shared_reach()
        if reach is None:
            readable.append(CheckIn.shared_by_employee.is_(True))
        elif reach - {me}:
            readable.append(
                and_(
                    CheckIn.shared_by_employee.is_(True),
                    CheckIn.employee_person_id.in_(sorted(reach - {me})),
                )
            )
        rows = list(self.session.scalars(select(CheckIn).where(or_(*readable)))) if readable else []
        named = self._load_people(rows)  # held so the session's identity map keeps them for `_view`
        views = [self._view(r, self._role(r) or "shared") for r in rows]
        del named
        views.sort(key=lambda v: (v.held_on, v.id), reverse=True)
        self._audit(views, {"list": True})
        return views

    def get(self, check_in_id: int) -> tuple[CheckIn, CheckInView]:
        """One check-in, or a refusal (audited) for anyone outside it when it is not shared with them."""
        row = self.session.get(CheckIn, check_in_id)
        if row is None:
            raise NotFoundError(f"no check-in with id {check_in_id}")
        role = self._role(row)
        if role is None:
            reach = self._shared_reach()
            allowed = row.shared_by_employee and (reach is None or row.employee_person_id in reach)
            if not allowed:
                employee = self.session.get(Person, row.employee_person_id)
                deny(
                    self.session,
                    self.actor,
                    Action.READ_INDIVIDUAL.value,
                    RESOURCE,
                    PURPOSE,
                    Decision(
                        False,
                        "a check-in is private to the manager and the employee unless the employee shares it "
                        "with those who may read their record",
                        "check_ins: private to the two people",
                    ),
                    subject=employee.hris_id if employee else None,
                    detail={"check_in": row.id},
                )
            role = "shared"
        view = self._view(row, role)
        self._audit([view], {"check_in": row.id})
        return row, view

    def direct_report(self, hris_id: str) -> Person:
        """A person who reports directly to the actor: the only people a manager holds check-ins with."""
        person = self.session.scalar(select(Person).where(Person.hris_id == hris_id.strip()))
        if person is None or self.actor.person_id is None or person.manager_id != self.actor.person_id:
            deny(
                self.session,
                self.actor,
                "check_in.create",
                RESOURCE,
                PURPOSE,
                Decision(False, "check-ins are held by a manager with their direct reports", "check_ins"),
                subject=hris_id,
            )
        assert person is not None
        return person

    def direct_reports(self) -> list[tuple[str, str]]:
        """(HRIS id, name) of the actor's current direct reports, read through the gateway."""
        from peoplealign.policy.gateway import PersonalData

        if self.actor.person_id is None or not self._may_read_records():
            return []
        people = PersonalData(self.session, self.actor, PURPOSE, self.charter).people(
            manager_id=self.actor.person_id
        )
        return sorted(
            ((str(p["hris_id"]), str(p["name"])) for p in people),
            key=lambda pair: pair[1],
        )
