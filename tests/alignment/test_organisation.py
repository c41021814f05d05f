"""The organisation overview reads every headcount through the policy gateway: each role sees what
its scope allows, small units are withheld, no shown figure lets a group below k be subtracted out,
and every read is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest
from sqlalchemy import select

from peoplealign.alignment.organisation import (
    Figures,
    OrgOverview,
    UnitRecord,
    UnitView,
    Withheld,
    build_overview,
    organisation_overview,
)
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import Cell
from peoplealign.policy.charter import active_charter, apply, approve, default_yaml, load_default
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.scope import Scope
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, OrgUnit, Person

K = 5
TODAY = dt.date(2026, 6, 1)

# Acme > Engineering (Platform 12, Apps 7), Sales (EMEA 9, APAC 3), Legal (3 directly in it).
TEAMS = {"ENG": {"PLAT": 12, "APPS": 7}, "SAL": {"EMEA": 9, "APAC": 3}, "LEG": {}}
NAMES = {"ENG": "Engineering", "SAL": "Sales", "LEG": "Legal", "PLAT": "Platform", "APPS": "Apps"}
NAMES |= {"EMEA": "EMEA Sales", "APAC": "APAC Sales"}
DIRECT = {"LEG": 3}


def populate(url: str) -> dict[str, Actor]:
    """The organisation above; Platform's first person leads the other eleven. Also a leaver and a
    future hire, who must not be counted."""
    with session_scope(url) as s:
        company = OrgUnit(code="ACME", name="Acme", kind="company")
        s.add(company)
        s.flush()
        hired = dt.date(2020, 1, 1)
        for dept_code, teams in TEAMS.items():
            dept = OrgUnit(code=dept_code, name=NAMES[dept_code], kind="department", parent_id=company.id)
            s.add(dept)
            s.flush()
            for i in range(DIRECT.get(dept_code, 0)):
                s.add(Person(hris_id=f"{dept_code}{i}", name="x", org_unit_id=dept.id, hire_date=hired))
            for team_code, size in teams.items():
                team = OrgUnit(code=team_code, name=NAMES[team_code], kind="team", parent_id=dept.id)
                s.add(team)
                s.flush()
                lead: Person | None = None
                for i in range(size):
                    person = Person(
                        hris_id=f"{team_code}{i}",
                        name="x",
                        org_unit_id=team.id,
                        manager_id=lead.id if lead else None,
                        hire_date=hired,
                    )
                    s.add(person)
                    s.flush()
                    lead = lead or person
        s.add(Person(hris_id="LEFT", name="x", org_unit_id=company.id, exit_date=dt.date(2026, 1, 1)))
        s.add(Person(hris_id="NEXT", name="x", org_unit_id=company.id, hire_date=dt.date(2026, 9, 1)))
        lead_id = s.scalar(select(Person.id).where(Person.hris_id == "PLAT0"))
    return {
        "employee": Actor("emp@example.org", frozenset({"employee"}), person_id=lead_id),
        "manager": Actor("mgr@example.org", frozenset({"employee", "manager"}), person_id=lead_id),
        "analyst": Actor("ana@example.org", frozenset({"employee", "analyst"})),
    }


def _overview(url: str, actor: Actor) -> OrgOverview:
    with session_scope(url) as s:
        return organisation_overview(s, actor, load_default(), today=TODAY)


def _units(nodes: Iterable[UnitView]) -> dict[str, UnitView]:
    found: dict[str, UnitView] = {}
    for node in nodes:
        found[node.code] = node
        found.update(_units(node.children))
    return found


def _assert_nothing_small_can_be_read(total: int | None, children: list[UnitView]) -> None:
    """No shown figure is below k, and no shown total minus its shown parts leaves 1..k-1 people."""
    for child in children:
        assert child.headcount is None or child.headcount >= K
        _assert_nothing_small_can_be_read(child.headcount, child.children)
    if total is not None:
        remainder = total - sum(c.headcount or 0 for c in children)
        assert remainder == 0 or remainder >= K


def test_organisation_scope_sees_every_unit_with_small_ones_withheld(db_url: str) -> None:
    overview = _overview(db_url, populate(db_url)["analyst"])
    units = _units(overview.roots)
    assert overview.scope is Scope.ORGANISATION
    assert overview.headcount == 34
    assert overview.reporting_line is None
    assert set(units) == {"ACME", "ENG", "SAL", "LEG", "PLAT", "APPS", "EMEA", "APAC"}
    assert (units["ACME"].headcount, units["ENG"].headcount, units["PLAT"].headcount) == (34, 19, 12)
    assert (units["LEG"].headcount, units["LEG"].withheld) == (None, Withheld.SMALL)
    assert (units["APAC"].headcount, units["APAC"].withheld) == (None, Withheld.SMALL)
    # Acme 34 - Engineering 19 - Sales 12 would reveal Legal's 3: Sales is withheld with it.
    assert (units["SAL"].headcount, units["SAL"].withheld) == (None, Withheld.PROTECTS_SMALL)
    assert overview.units_by_kind == {"company": 1, "department": 3, "team": 4}
    _assert_nothing_small_can_be_read(overview.headcount, overview.roots)


def test_employees_see_the_organisation_total_and_no_unit_figures(db_url: str) -> None:
    overview = _overview(db_url, populate(db_url)["employee"])
    units = _units(overview.roots)
    assert overview.scope is Scope.SELF
    assert overview.headcount == 34
    assert set(units) == {"ACME", "ENG", "SAL", "LEG"}  # the structure down to departments, by name
    assert all(not u.counted and u.headcount is None for u in units.values())
    assert overview.chart_units() == []


def test_managers_see_their_reporting_line_and_nothing_outside_it(db_url: str) -> None:
    overview = _overview(db_url, populate(db_url)["manager"])
    units = _units(overview.roots)
    assert overview.scope is Scope.OWN_SUBTREE
    assert overview.headcount == 34  # the town-hall total
    assert overview.reporting_line == 11  # Platform without its lead
    counted = {code for code, u in units.items() if u.counted}
    assert counted == {"ACME", "ENG", "PLAT"}
    assert all(u.headcount == 11 for code, u in units.items() if code in counted)
    assert "APPS" not in units and "EMEA" not in units and "APAC" not in units
    assert all(units[c].headcount is None for c in ("SAL", "LEG"))
    assert [u.code for u in overview.chart_units()] == ["PLAT"]


def test_a_manager_without_reports_gets_no_small_figure(db_url: str) -> None:
    actors = populate(db_url)
    with session_scope(db_url) as s:
        member = s.scalar(select(Person.id).where(Person.hris_id == "APAC1"))
    loner = Actor("apac@example.org", frozenset({"manager"}), person_id=member)
    overview = _overview(db_url, loner)
    assert overview.reporting_line is None
    assert not any(u.counted for u in _units(overview.roots).values())
    assert _overview(db_url, actors["manager"]).headcount == 34


def test_every_read_is_audited_for_org_reporting(db_url: str) -> None:
    actors = populate(db_url)
    for role in ("employee", "manager", "analyst"):
        _overview(db_url, actors[role])
    with session_scope(db_url) as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    reads = [(e.actor, e.detail["by"], e.detail["scope"]) for e in events]
    assert {e.purpose for e in events} == {"org_reporting"}
    assert {e.outcome for e in events} == {"allowed"}
    assert reads == [
        ("emp@example.org", [], "self"),
        ("mgr@example.org", [], "own_subtree"),
        ("mgr@example.org", [], "self"),
        ("mgr@example.org", ["department"], "own_subtree"),
        ("mgr@example.org", ["org_unit"], "own_subtree"),
        ("ana@example.org", [], "organisation"),
        ("ana@example.org", ["department"], "organisation"),
        ("ana@example.org", ["org_unit"], "organisation"),
    ]


def test_a_charter_that_withholds_headcounts_denies_and_audits_the_read(db_url: str) -> None:
    actors = populate(db_url)
    everyone = "aggregate_access: [employee, manager, hr_partner, analyst, executive, admin]"
    text = default_yaml().replace(everyone, "aggregate_access: [analyst]", 1)  # the first is hris
    with session_scope(db_url) as s:
        version = apply(s, text, Actor.system("test")).version
        approve(s, version, Actor("ceo@example.org", frozenset({"executive"})), "tighter")
    rule = r"data_sources\.hris\.aggregate_access"
    with pytest.raises(PolicyDenied, match=rule), session_scope(db_url) as s:
        organisation_overview(s, actors["employee"], active_charter(s), today=TODAY)
    with session_scope(db_url) as s:
        denied = s.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
        assert [(e.actor, e.resource, e.purpose) for e in denied] == [
            ("emp@example.org", "hris", "org_reporting")
        ]


def test_an_empty_organisation_is_empty(db_url: str) -> None:
    overview = _overview(db_url, Actor("ana@example.org", frozenset({"analyst"})))
    assert overview.empty and overview.roots == [] and overview.headcount is None
    assert overview.to_dict()["empty"] is True


def _cell(n: int | None, reason: str | None = None) -> Cell:
    return Cell({}, n, None if n is None else float(n), n is None, reason)


SMALL = f"fewer than {K} people"
HIDDEN = "hidden so that other cells cannot be subtracted to reveal a small group"


def test_figures_compose_from_cells_that_cover_a_unit_exactly() -> None:
    """A division has no cell of its own: it is the sum of the cells inside it, or withheld."""
    units = [
        UnitRecord(1, "CO", "Company", "company", None),
        UnitRecord(2, "DIV", "Division", "division", 1),
        UnitRecord(3, "A", "Dept A", "department", 2),
        UnitRecord(4, "B", "Dept B", "department", 2),
        UnitRecord(5, "C", "Dept C", "department", 1),
    ]
    departments: dict[str | None, Cell] = {
        "Dept A": _cell(20),
        "Dept B": _cell(8),
        "Dept C": _cell(None, HIDDEN),
    }
    org_units = {"Dept A": _cell(20), "Dept B": _cell(8), "Dept C": _cell(None, SMALL), None: _cell(6)}
    figures = Figures(_cell(40), _cell(40), departments, org_units)
    tree = _units(build_overview(units, figures, scope=Scope.ORGANISATION, k=K).roots)
    assert tree["DIV"].headcount == 28
    assert tree["CO"].headcount == 34  # the total less the six people without a unit
    assert (tree["C"].headcount, tree["C"].withheld) == (None, Withheld.PROTECTS_SMALL)
    hidden_part = Figures(_cell(40), _cell(40), {**departments, "Dept B": _cell(None, SMALL)}, org_units)
    tree = _units(build_overview(units, hidden_part, scope=Scope.ORGANISATION, k=K).roots)
    assert (tree["B"].withheld, tree["DIV"].withheld) == (Withheld.SMALL, Withheld.PROTECTS_SMALL)


def test_parent_cycles_and_missing_parents_do_not_loop() -> None:
    units = [
        UnitRecord(1, "A", "A", "department", 2),
        UnitRecord(2, "B", "B", "department", 1),
        UnitRecord(3, "C", "C", "department", 99),
    ]
    figures = Figures(_cell(30), _cell(30), {"A": _cell(10), "B": _cell(10), "C": _cell(10)}, {})
    overview = build_overview(units, figures, scope=Scope.ORGANISATION, k=K)
    assert overview.headcount == 30
    assert set(_units(overview.roots)) == {"A", "B", "C"}
