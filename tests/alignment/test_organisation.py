"""The organisation overview reads every headcount through the policy gateway: each role sees what
its scope allows, headcounts per unit are exact organisation structure (small units included), and
every read is audited."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import pytest
from sqlalchemy import select

from peoplealign.alignment.organisation import (
    PURPOSE,
    Figures,
    OrgOverview,
    UnitRecord,
    UnitView,
    build_overview,
    organisation_overview,
)
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import Cell
from peoplealign.policy.charter import active_charter, apply, approve, default_yaml, load_default
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.gateway import PersonalData
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


def _figures(units: dict[str, UnitView]) -> dict[str, int | None]:
    return {code: u.headcount for code, u in units.items()}


def test_organisation_scope_sees_every_unit_exactly(db_url: str) -> None:
    overview = _overview(db_url, populate(db_url)["analyst"])
    units = _units(overview.roots)
    assert overview.scope is Scope.ORGANISATION
    assert (overview.headcount, overview.reporting_line) == (34, None)
    # Legal's 3 and APAC's 3 are the org chart, not an aggregate to hide.
    assert _figures(units) == {
        "ACME": 34, "ENG": 19, "PLAT": 12, "APPS": 7, "SAL": 12, "EMEA": 9, "APAC": 3, "LEG": 3
    }  # fmt: skip
    assert not any(u.reporting_line_only for u in units.values())
    assert overview.units_by_kind == {"company": 1, "department": 3, "team": 4}
    assert [u.code for u in overview.chart_units()] == ["ENG", "LEG", "SAL"]


def test_employees_see_the_organisation_and_every_department(db_url: str) -> None:
    overview = _overview(db_url, populate(db_url)["employee"])
    units = _units(overview.roots)
    assert overview.scope is Scope.SELF
    assert overview.headcount == 34
    assert _figures(units) == {"ACME": 34, "ENG": 19, "SAL": 12, "LEG": 3}  # no team below
    assert [u.code for u in overview.chart_units()] == ["ENG", "LEG", "SAL"]


def test_managers_see_departments_and_their_reporting_line_below_them(db_url: str) -> None:
    overview = _overview(db_url, populate(db_url)["manager"])
    units = _units(overview.roots)
    assert overview.scope is Scope.OWN_SUBTREE
    assert overview.headcount == 34  # the town-hall total
    assert overview.reporting_line == 11  # Platform without its lead
    assert _figures(units) == {"ACME": 34, "ENG": 19, "SAL": 12, "LEG": 3, "PLAT": 11}
    assert [code for code, u in units.items() if u.reporting_line_only] == ["PLAT"]


def test_a_manager_without_reports_counts_no_unit_below_departments(db_url: str) -> None:
    actors = populate(db_url)
    with session_scope(db_url) as s:
        member = s.scalar(select(Person.id).where(Person.hris_id == "APAC1"))
    loner = Actor("apac@example.org", frozenset({"manager"}), person_id=member)
    overview = _overview(db_url, loner)
    assert overview.reporting_line == 0
    assert set(_units(overview.roots)) == {"ACME", "ENG", "SAL", "LEG"}
    assert _overview(db_url, actors["manager"]).headcount == 34


def test_crossed_headcounts_stay_protected(db_url: str) -> None:
    """Exact unit headcounts are known to whoever asks for a breakdown by level: Legal's 3 and every
    cell that would reveal something about fewer than k people by subtraction stay hidden."""
    actors = populate(db_url)
    with session_scope(db_url) as s:
        for person in s.scalars(select(Person)):
            person.level = 3 if person.hris_id == "PLAT0" else 2
    with session_scope(db_url) as s:
        reader = PersonalData(s, actors["analyst"], "org_reporting")
        report = reader.headcount(["org_unit", "level"], as_of=TODAY)
        cells = {(c.group["org_unit"], c.group["level"]): c for c in report.cells}
        # Platform at level 2 (11) from Platform's exact 12 would give its lead's level away.
        assert cells["Platform", 2].suppressed and cells["Platform", 3].suppressed
        assert cells["Legal", 2].reason == "fewer than 5 people"
        assert all(c.suppressed or (c.n or 0) >= K for c in cells.values())
        with pytest.raises(PolicyDenied, match="breakdowns by department only"):
            PersonalData(s, actors["employee"], "org_reporting").headcount(["department", "level"])


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
        ("emp@example.org", ["department"], "self"),
        ("mgr@example.org", [], "own_subtree"),
        ("mgr@example.org", [], "self"),
        ("mgr@example.org", ["department"], "self"),
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
    assert overview.empty and overview.roots == [] and overview.headcount == 0
    assert overview.to_dict()["empty"] is True


def _cell(n: int) -> Cell:
    return Cell({}, n, float(n), False, None)


def test_figures_compose_from_whole_departments_or_unit_cells() -> None:
    """A division is the sum of its departments; the root is every department, not the people
    without a unit; for a manager, a team counts their reporting line and says so."""
    units = [
        UnitRecord(1, "CO", "Company", "company", None),
        UnitRecord(2, "DIV", "Division", "division", 1),
        UnitRecord(3, "A", "Dept A", "department", 2),
        UnitRecord(4, "B", "Dept B", "department", 2),
        UnitRecord(5, "C", "Dept C", "department", 1),
        UnitRecord(6, "T", "Team T", "team", 3),
        UnitRecord(7, "U", "Team U", "team", 3),
    ]
    departments = {"Dept A": _cell(20), "Dept B": _cell(8), "Dept C": _cell(2), None: _cell(6)}
    org_units = {"Dept A": _cell(1), "Team T": _cell(15), "Team U": _cell(4), "Dept B": _cell(8)}
    org_units |= {"Dept C": _cell(2), None: _cell(6)}
    figures = Figures(_cell(36), _cell(36), departments, org_units)
    tree = _units(build_overview(units, figures, scope=Scope.ORGANISATION, k=K).roots)
    assert _figures(tree) == {"CO": 30, "DIV": 28, "A": 20, "B": 8, "C": 2, "T": 15, "U": 4}
    own = Figures(_cell(36), _cell(3), departments, {"Team U": _cell(3)})
    tree = _units(build_overview(units, own, scope=Scope.OWN_SUBTREE, k=K).roots)
    assert _figures(tree) == {"CO": 30, "DIV": 28, "A": 20, "B": 8, "C": 2, "U": 3}
    assert [code for code, u in tree.items() if u.reporting_line_only] == ["U"]
    tree = _units(
        build_overview(units, Figures(_cell(36), _cell(36), departments, {}), scope=Scope.SELF, k=K).roots
    )
    assert _figures(tree) == {"CO": 30, "DIV": 28, "A": 20, "B": 8, "C": 2}


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


def test_cached_overviews_follow_each_audience_and_every_read_is_still_audited(db_url: str) -> None:
    """The shaped tree is shared between requests only where the released figures are the same: the
    analyst's cached overview never reaches an employee or a manager, and each call still makes (and
    audits) its own reads."""
    actors = populate(db_url)
    for _ in range(2):
        assert _figures(_units(_overview(db_url, actors["analyst"]).roots))["PLAT"] == 12
        assert "PLAT" not in _units(_overview(db_url, actors["employee"]).roots)
        manager = _overview(db_url, actors["manager"])
        assert (manager.reporting_line, _figures(_units(manager.roots))["PLAT"]) == (11, 11)
    assert _overview(db_url, actors["analyst"]) is _overview(db_url, actors["analyst"])
    with session_scope(db_url) as s:
        reads = s.scalars(select(AuditEvent.actor).where(AuditEvent.purpose == PURPOSE)).all()
    assert sorted(Counter(reads).items()) == [
        ("ana@example.org", 3 * 4),  # three reads per overview, four overviews
        ("emp@example.org", 2 * 2),
        ("mgr@example.org", 4 * 2),
    ]


def test_a_new_unit_shows_at_once(db_url: str) -> None:
    """A change of the organisation (here a new team, nobody in it yet) is a new data version: the
    cached tree and unit list are not served any more."""
    analyst = populate(db_url)["analyst"]
    assert "OPS" not in _units(_overview(db_url, analyst).roots)
    with session_scope(db_url) as s:
        legal = s.scalar(select(OrgUnit.id).where(OrgUnit.code == "LEG"))
        s.add(OrgUnit(code="OPS", name="Legal Ops", kind="team", parent_id=legal))
    units = _units(_overview(db_url, analyst).roots)
    assert _figures(units)["OPS"] == 0 and units["OPS"].name == "Legal Ops"
