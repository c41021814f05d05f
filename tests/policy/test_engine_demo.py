"""The issue's "done when" on the demo organisation: differencing attacks by every demo user, team
scoping for managers, organisation-only totals for employees, and audited denials."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pytest
from sqlalchemy import func, select

from peoplealign.accounts.users import list_users
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import ORG_STRUCTURE
from peoplealign.policy.anonymity import breakdowns
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.population import load_unit_tree
from peoplealign.policy.scope import manager_map, subtree
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, Person, Response

Group = Mapping[str, Hashable]


def implies(child: Group, parent: Group, department_of_unit: Mapping[Hashable, Hashable]) -> bool:
    """Whether the labels alone say `child` lies inside `parent` (the org tree included)."""
    for dim, value in parent.items():
        if child.get(dim) == value:
            continue
        if dim == "department" and department_of_unit.get(child.get("org_unit")) == value:
            continue
        return False
    return child != parent


def differencing_leaks(
    cells: list[tuple[Group, int]], k: int, department_of_unit: Mapping[Hashable, Hashable]
) -> list[str]:
    """A visible parent minus one visible sub-cell, or minus all visible sub-cells of one breakdown
    (single or crossed), must leave 0 or at least k people."""
    leaks = []
    for parent, n in cells:
        inside = [(g, m) for g, m in cells if implies(g, parent, department_of_unit)]
        by_breakdown: dict[tuple[str, ...], int] = {}
        for group, m in inside:
            if 0 < n - m < k:
                leaks.append(f"{dict(parent)} ({n}) minus {dict(group)} ({m})")
            dims = tuple(sorted(group))
            by_breakdown[dims] = by_breakdown.get(dims, 0) + m
        for dims, total in by_breakdown.items():
            if 0 < n - total < k:
                leaks.append(f"{dict(parent)} ({n}) minus its cells by {dims} ({total})")
    return leaks


@pytest.fixture
def demo_session(demo_url: str):  # type: ignore[no-untyped-def]
    with session_scope(demo_url) as session:
        yield session


def test_no_demo_user_can_difference_a_small_group(demo_session) -> None:  # type: ignore[no-untyped-def]
    tree = load_unit_tree(demo_session)
    department_of_unit = {tree.labels[unit]: tree.department_label(unit) for unit in tree.labels}
    users = list_users(demo_session)
    assert len(users) > 50
    requests = 0
    for user in users:
        reader = PersonalData(demo_session, Actor.from_user(user), "survey_reporting")
        seen: list[tuple[Group, int]] = []
        for by in breakdowns():
            try:
                report = reader.survey_cells("engagement", list(by))
            except PolicyDenied:
                assert user.roles == ["employee"] and by, f"{user.email} refused {by}"
                continue
            requests += 1
            seen += [(c.group, c.n) for c in report.cells if not c.suppressed and c.n is not None]
            assert all(c.n is None or c.n >= report.k for c in report.cells)
        assert differencing_leaks(seen, report.k, department_of_unit) == [], user.email
    assert requests > len(users)


def test_a_manager_sees_only_their_own_subtree(demo_session) -> None:  # type: ignore[no-untyped-def]
    managers = manager_map(demo_session)
    tree = load_unit_tree(demo_session)
    unit_of = dict(demo_session.execute(select(Person.id, Person.org_unit_id)).all())
    answered_in = demo_session.execute(select(Response.person_id, Response.org_unit_id).distinct()).all()
    checked = 0
    for user in list_users(demo_session):
        if user.roles != ["employee", "manager"] or user.person_id is None:
            continue
        team = subtree(managers, user.person_id)
        team_units = {tree.unit_label(unit_of[p]) for p in team}
        team_units |= {tree.unit_label(unit) for person, unit in answered_in if person in team}
        reader = PersonalData(demo_session, Actor.from_user(user), "survey_reporting")
        report = reader.survey_cells("engagement", ["org_unit"])
        assert {c.group["org_unit"] for c in report.cells} <= team_units
        total = reader.survey_cells("engagement").cells[0]
        assert total.n is None or total.n <= len(team)
        outsider = next(p for p in unit_of if p not in team and p != user.person_id)
        with pytest.raises(PolicyDenied, match="outside"):
            reader.person(outsider)
        checked += 1
    assert checked > 20


def test_an_employee_sees_organisation_totals_and_their_own_record_and_denials_are_audited(
    demo_url: str,
) -> None:
    with session_scope(demo_url) as session:
        employee = next(u for u in list_users(session) if u.roles == ["employee"])
        actor = Actor.from_user(employee)
        denied_before = session.scalar(select(func.count()).where(AuditEvent.outcome == "denied"))
        reader = PersonalData(session, actor, "survey_reporting")
        report = reader.survey_cells("engagement")
        assert len(report.cells) == 1 and report.cells[0].group == {} and report.cells[0].n
        for by in (["department"], ["org_unit"], ["location", "level"]):
            with pytest.raises(PolicyDenied, match="organisation-wide totals only"):
                reader.survey_cells("engagement", by)
        own = PersonalData(session, actor, "my_data").person(employee.person_id)
        assert own["hris_id"] == session.get(Person, employee.person_id).hris_id
        colleague = session.scalar(select(Person.id).where(Person.id != employee.person_id).limit(1))
        with pytest.raises(PolicyDenied):
            PersonalData(session, actor, "my_data").person(colleague)
    with session_scope(demo_url) as session:
        denied = session.scalars(
            select(AuditEvent).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)
        ).all()
        assert len(denied) == (denied_before or 0) + 4
        assert all(e.actor == employee.email and e.detail.get("rule") for e in denied[-4:])


def test_headcounts_are_exact_structure_and_crossed_ones_never_show_a_small_group(
    demo_session,  # type: ignore[no-untyped-def]
) -> None:
    """Headcounts by department and unit are the org chart: exact for every scope that may read them,
    small units included. Crossed with location, level or tenure band they show no cell under k, and
    no subtraction that uses one of them isolates a small group (subtractions of structure cells
    alone are the org chart too, so they are left out of the comparison)."""
    tree = load_unit_tree(demo_session)
    department_of_unit = {tree.labels[unit]: tree.department_label(unit) for unit in tree.labels}
    crossed = [by for by in breakdowns() if not set(by) <= set(ORG_STRUCTURE)]
    shown_crossed = 0
    users = list_users(demo_session)
    # Every organisation-scope user sees the same cells: one per set of roles, and a few managers.
    chosen = list({tuple(u.roles): u for u in users}.values())
    chosen += [u for u in users if u.roles == ["employee", "manager"]][:3]
    for user in chosen:
        reader = PersonalData(demo_session, Actor.from_user(user), "org_reporting")
        total = reader.headcount().cells[0].n
        departments = reader.headcount(["department"]).cells
        assert all(not c.suppressed for c in departments)
        if user.roles == ["employee"]:
            assert total == 600 and sum(c.n or 0 for c in departments) == 600
            with pytest.raises(PolicyDenied, match="breakdowns by department only"):
                reader.headcount(["org_unit"])
            continue
        structure = [(c.group, c.n or 0) for c in reader.headcount(["org_unit"]).cells]
        structure += [(c.group, c.n or 0) for c in departments] + [({}, total or 0)]
        assert all(n >= 1 for _, n in structure[:-1])
        seen: list[tuple[Group, int]] = []
        for by in crossed:
            report = reader.headcount(list(by))
            assert all(c.n is None or c.n >= report.k for c in report.cells)
            seen += [(c.group, c.n) for c in report.cells if not c.suppressed and c.n is not None]
        shown_crossed += len(seen)
        everything = set(differencing_leaks([*structure, *seen], 5, department_of_unit))
        assert everything - set(differencing_leaks(structure, 5, department_of_unit)) == set(), user.email
    assert shown_crossed > 0
