"""The organisation overview shows what the scope allows and never lets a group below k be read
off, directly or by subtracting shown figures from a shown total."""

from __future__ import annotations

import datetime as dt
from itertools import count

from peoplealign.alignment.organisation import (
    OrgScope,
    OrgSnapshot,
    PersonRecord,
    UnitRecord,
    UnitView,
    Withheld,
    build_overview,
    organisation_overview,
    own_subtree_units,
)
from peoplealign.policy.actor import Actor
from peoplealign.store.engine import session_scope
from peoplealign.store.models import OrgUnit, Person

K = 5

UNITS = (
    UnitRecord(1, "CO", "Company", "company", None),
    UnitRecord(2, "ENG", "Engineering", "department", 1),
    UnitRecord(3, "SAL", "Sales", "department", 1),
    UnitRecord(4, "LEG", "Legal", "department", 1),
    UnitRecord(5, "PLAT", "Platform", "team", 2),
    UnitRecord(6, "APPS", "Apps", "team", 2),
    UnitRecord(7, "EMEA", "EMEA sales", "team", 3),
)


def _people(sizes: dict[int, int], manager_of: dict[int, int] | None = None) -> tuple[PersonRecord, ...]:
    ids = count(1)
    people = []
    for unit_id, size in sizes.items():
        for _ in range(size):
            person_id = next(ids)
            people.append(PersonRecord(person_id, (manager_of or {}).get(unit_id), unit_id))
    return tuple(people)


def _by_code(nodes: list[UnitView]) -> dict[str, UnitView]:
    found: dict[str, UnitView] = {}
    for node in nodes:
        found[node.code] = node
        found.update(_by_code(node.children))
    return found


def _snapshot(sizes: dict[int, int]) -> OrgSnapshot:
    return OrgSnapshot(units=UNITS, people=_people(sizes))


def test_whole_tree_rolls_up_headcounts() -> None:
    overview = build_overview(_snapshot({5: 12, 6: 8, 3: 2, 7: 9, 4: 6}), scope=OrgScope.ORGANISATION, k=K)
    units = _by_code(overview.roots)
    assert overview.headcount == 37
    assert units["CO"].headcount == 37
    assert units["ENG"].headcount == 20
    assert units["SAL"].headcount == 11
    assert units["PLAT"].headcount == 12
    assert overview.units_by_kind == {"company": 1, "department": 3, "team": 3}


def test_unit_below_k_is_withheld_not_counted() -> None:
    overview = build_overview(_snapshot({5: 12, 6: 8, 7: 9, 4: 3}), scope=OrgScope.ORGANISATION, k=K)
    legal = _by_code(overview.roots)["LEG"]
    assert legal.headcount is None
    assert legal.withheld is Withheld.SMALL


def test_a_shown_total_never_leaves_a_small_remainder() -> None:
    # Engineering = 20 with Platform 12 and Apps 5 shown would reveal the 3 people directly in it.
    overview = build_overview(_snapshot({2: 3, 5: 12, 6: 5, 3: 10, 4: 6}), scope=OrgScope.ORGANISATION, k=K)
    units = _by_code(overview.roots)
    assert units["ENG"].headcount == 20
    shown = [c.headcount for c in units["ENG"].children if c.headcount is not None]
    remainder = 20 - sum(shown)
    assert remainder == 0 or remainder >= K
    assert units["APPS"].withheld is Withheld.PROTECTS_SMALL
    assert units["PLAT"].headcount == 12


def _assert_nothing_small_can_be_read(total: int | None, children: list[UnitView]) -> None:
    for child in children:
        assert child.headcount is None or child.headcount >= K
        _assert_nothing_small_can_be_read(child.headcount, child.children)
    if total is not None:
        remainder = total - sum(c.headcount or 0 for c in children)
        assert remainder == 0 or remainder >= K


def test_remainder_check_holds_at_every_level_for_many_shapes() -> None:
    for sizes in ({5: 7, 6: 1, 7: 6, 4: 5}, {5: 5, 6: 5, 3: 4, 7: 5, 4: 0}, {2: 1, 5: 9, 6: 9, 7: 4}):
        overview = build_overview(_snapshot(sizes), scope=OrgScope.ORGANISATION, k=K)
        _assert_nothing_small_can_be_read(overview.headcount, overview.roots)


def test_employee_scope_stops_at_departments() -> None:
    overview = build_overview(_snapshot({5: 12, 6: 8, 7: 9, 4: 6}), scope=OrgScope.DEPARTMENTS, k=K)
    units = _by_code(overview.roots)
    assert set(units) == {"CO", "ENG", "SAL", "LEG"}
    assert units["ENG"].headcount == 20
    assert overview.units_by_kind["team"] == 3


def test_manager_sees_own_subtree_down_to_teams_only() -> None:
    people = _people({5: 12, 6: 8, 7: 9, 4: 6})
    snapshot = OrgSnapshot(units=UNITS, people=people)
    manager = next(p for p in people if p.org_unit_id == 5)
    own = own_subtree_units(snapshot, manager.id)
    assert own == {5}
    units = _by_code(build_overview(snapshot, scope=OrgScope.OWN_SUBTREE, k=K, own_units=own).roots)
    assert "PLAT" in units
    assert "APPS" not in units
    assert "EMEA" not in units


def test_manager_subtree_follows_reporting_lines_across_units() -> None:
    boss = PersonRecord(1, None, 2)
    reports = (PersonRecord(2, 1, 5), PersonRecord(3, 2, 7), PersonRecord(4, None, 6))
    snapshot = OrgSnapshot(units=UNITS, people=(boss, *reports))
    assert own_subtree_units(snapshot, 1) == {2, 5, 6, 7}
    assert own_subtree_units(snapshot, 3) == {7}
    assert own_subtree_units(snapshot, None) == set()


def test_tiny_organisation_hides_everything() -> None:
    overview = build_overview(_snapshot({5: 2, 6: 1}), scope=OrgScope.ORGANISATION, k=K)
    assert overview.headcount is None
    assert overview.withheld is Withheld.SMALL
    assert all(u.headcount is None for u in _by_code(overview.roots).values())


def test_parent_cycles_and_missing_parents_do_not_loop() -> None:
    units = (
        UnitRecord(1, "A", "A", "department", 2),
        UnitRecord(2, "B", "B", "department", 1),
        UnitRecord(3, "C", "C", "department", 99),
    )
    people = tuple(PersonRecord(i, None, 1 + i % 3) for i in range(30))
    overview = build_overview(OrgSnapshot(units, people), scope=OrgScope.ORGANISATION, k=K)
    assert overview.headcount == 30
    assert set(_by_code(overview.roots)) == {"A", "B", "C"}


def test_empty_organisation() -> None:
    overview = build_overview(OrgSnapshot((), ()), scope=OrgScope.DEPARTMENTS, k=K)
    assert overview.roots == []
    assert overview.empty
    assert overview.to_dict()["headcount"] is None
    assert not build_overview(_snapshot({5: 1}), scope=OrgScope.DEPARTMENTS, k=K).empty


def test_overview_from_database_counts_only_active_people(db_url: str) -> None:
    today = dt.date(2026, 6, 1)
    with session_scope(db_url) as s:
        company = OrgUnit(code="CO", name="Company", kind="company")
        s.add(company)
        s.flush()
        dept = OrgUnit(code="ENG", name="Engineering", kind="department", parent_id=company.id)
        s.add(dept)
        s.flush()
        for i in range(8):
            s.add(Person(hris_id=f"P{i}", name=f"P{i}", org_unit_id=dept.id, hire_date=dt.date(2020, 1, 1)))
        s.add(Person(hris_id="LEFT", name="Left", org_unit_id=dept.id, exit_date=dt.date(2026, 1, 1)))
        s.add(Person(hris_id="FUTURE", name="Future", org_unit_id=dept.id, hire_date=dt.date(2026, 9, 1)))
    with session_scope(db_url) as s:
        actor = Actor(email="e@example.org", roles=frozenset({"employee"}))
        overview = organisation_overview(s, actor, scope=OrgScope.DEPARTMENTS, k=K, today=today)
    assert overview.headcount == 8
    assert overview.to_dict()["units"][0]["children"][0] == {
        "code": "ENG",
        "name": "Engineering",
        "kind": "department",
        "headcount": 8,
        "withheld": None,
        "children": [],
    }
    assert overview.to_dict()["empty"] is False
