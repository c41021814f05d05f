"""Check-ins are private to the manager and the employee until the employee shares them; every read
by someone else is refused or lands in the employee's access log."""

from __future__ import annotations

import datetime as dt

import pytest
from decisions_helpers import EMAILS, Org
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peoplealign.decisions.check_ins import create_check_in, set_shared
from peoplealign.errors import InvalidInputError, PermissionDeniedError
from peoplealign.policy import data_version
from peoplealign.policy.access_log import access_log
from peoplealign.policy.check_in_access import CheckInAccess
from peoplealign.policy.engine import PolicyDenied
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, CheckIn, Person

HELD = dt.date(2026, 11, 19)


def _create(org: Org, employee: str = "P1", manager: str = "manager") -> int:
    with session_scope(org.url) as session:
        return create_check_in(
            session,
            org.charter(),
            org.actors[manager],
            employee_hris_id=employee,
            held_on=HELD,
            notes="Talked about workload.",
            goals="Ship the migration by March.",
            feedback="More context in planning.",
        ).id


def _get(org: Org, who: str, check_in_id: int) -> str:
    with session_scope(org.url) as session:
        return CheckInAccess(session, org.actors[who], org.charter()).get(check_in_id)[1].role


def test_private_to_the_two_people_until_the_employee_shares_it(org: Org) -> None:
    check_in = _create(org)
    assert _get(org, "manager", check_in) == "manager"
    assert _get(org, "employee", check_in) == "employee"
    for outsider in ("hr", "colleague", "apps_lead"):
        with pytest.raises(PolicyDenied, match="private"):
            _get(org, outsider, check_in)
    with pytest.raises(PermissionDeniedError), session_scope(org.url) as session:
        set_shared(session, org.charter(), org.actors["manager"], check_in, True)
    with session_scope(org.url) as session:
        assert set_shared(session, org.charter(), org.actors["employee"], check_in, True).shared
    assert _get(org, "hr", check_in) == "shared"
    for outsider in ("colleague", "apps_lead"):
        with pytest.raises(PolicyDenied):
            _get(org, outsider, check_in)
    with session_scope(org.url) as session:
        log, _ = access_log(session, org.charter(), org.actors["employee"])
    seen = {(e.actor, e.outcome) for e in log if e.data == "check_in"}
    assert (EMAILS["hr"], "allowed") in seen and (EMAILS["hr"], "denied") in seen
    assert (EMAILS["colleague"], "denied") in seen and (EMAILS["manager"], "changed") in seen


def test_only_a_direct_manager_records_one(sqlite_org: Org) -> None:
    with pytest.raises(PolicyDenied, match="direct reports"):
        _create(sqlite_org, employee="A1")
    with pytest.raises(PolicyDenied, match="direct reports"):
        _create(sqlite_org, employee="P2", manager="colleague")
    with (
        pytest.raises(InvalidInputError, match="notes, goals or feedback"),
        session_scope(sqlite_org.url) as s,
    ):
        create_check_in(
            s,
            sqlite_org.charter(),
            sqlite_org.actors["manager"],
            employee_hris_id="P1",
            held_on=HELD,
            notes=" ",
            goals=None,
            feedback=None,
        )
    _create(sqlite_org, employee="P2")
    with session_scope(sqlite_org.url) as session:
        charter = sqlite_org.charter()
        assert [
            v.employee_hris_id
            for v in CheckInAccess(session, sqlite_org.actors["manager"], charter).visible()
        ] == ["P2"]
        assert not CheckInAccess(session, sqlite_org.actors["employee"], charter).visible()
        reports = CheckInAccess(session, sqlite_org.actors["manager"], charter).direct_reports()
        assert [h for h, _ in reports] == [f"P{i}" for i in range(1, 7)]
        assert CheckInAccess(session, sqlite_org.actors["employee"], charter).direct_reports() == []


def _listed(org: Org, who: str) -> list[tuple[str, str]]:
    with session_scope(org.url) as session:
        return [
            (v.employee_hris_id, v.role)
            for v in CheckInAccess(session, org.actors[who], org.charter()).visible()
        ]


def _list_reads(org: Org, who: str) -> int:
    with session_scope(org.url) as session:
        return len(
            session.scalars(
                select(AuditEvent).where(AuditEvent.actor == EMAILS[who], AuditEvent.resource == "check_in")
            ).all()
        )


def test_the_list_shows_shared_check_ins_up_the_reporting_line_only_and_audits_every_read(org: Org) -> None:
    _create(org)
    with session_scope(org.url) as session:
        # The Apps lead becomes the Platform lead's manager: one level above the check-in.
        session.execute(
            update(Person).where(Person.id == org.person["P0"]).values(manager_id=org.person["A0"])
        )
        data_version.touch(session)
    assert _listed(org, "manager") == [("P1", "manager")]
    assert _listed(org, "employee") == [("P1", "employee")]
    for outsider in ("apps_lead", "hr", "colleague"):
        assert _listed(org, outsider) == []
    with session_scope(org.url) as session:
        set_shared(session, org.charter(), org.actors["employee"], _only_check_in(session), True)
    assert _listed(org, "apps_lead") == [("P1", "shared")]
    assert _listed(org, "hr") == [("P1", "shared")]
    assert _listed(org, "colleague") == []
    assert _listed(org, "manager") == [("P1", "manager")]
    before = _list_reads(org, "apps_lead")
    _listed(org, "apps_lead")
    _listed(org, "apps_lead")
    assert _list_reads(org, "apps_lead") == before + 2, "a repeated read is audited again"


def _only_check_in(session: Session) -> int:
    return int(session.scalars(select(CheckIn.id)).one())
