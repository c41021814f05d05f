"""Row scoping: whose records an actor's scope covers.

A manager's team decides which rows they read, so the per-data-version index the pages walk must
give exactly the reporting chain, and a changed reporting line must count on the very next read."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import select, update

from peoplealign.ingest.pipeline import import_file
from peoplealign.policy import data_version, snapshots
from peoplealign.policy.scope import (
    Scope,
    below,
    direct_reports,
    manager_map,
    subtree,
    visible_people,
    widest,
)
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Person


def test_subtree_follows_the_manager_chain_and_excludes_the_manager() -> None:
    managers = {1: None, 2: 1, 3: 1, 4: 2, 5: 4, 6: 3}
    assert subtree(managers, 2) == {4, 5}
    assert subtree(managers, 1) == {2, 3, 4, 5, 6}
    assert subtree(managers, 5) == frozenset()


def test_subtree_survives_cycles_in_imported_data() -> None:
    assert subtree({1: 2, 2: 1, 3: 2}, 1) == {2, 3}


def test_widest_scope_wins_for_people_with_several_roles() -> None:
    assert widest(["self", "own_subtree"]) is Scope.OWN_SUBTREE
    assert widest(["organisation", "self"]) is Scope.ORGANISATION
    assert widest([]) is Scope.SELF


def _reports_to(managers: Mapping[int, int | None], root: int) -> frozenset[int]:
    """The reference: everyone whose chain of managers, walked upwards, reaches `root`."""
    found = set()
    for person in managers:
        seen: set[int] = set()
        boss = managers.get(person)
        while boss is not None and boss not in seen and person != root:
            if boss == root:
                found.add(person)
                break
            seen.add(boss)
            boss = managers.get(boss)
    return frozenset(found)


def test_the_index_walk_gives_the_reporting_chain_on_random_orgs() -> None:
    rng = random.Random(8)
    for _ in range(40):
        size = rng.randint(1, 60)
        # Mostly a tree, with some people whose manager is anyone (cycles, as imported data may hold)
        # or someone not in the data at all.
        managers: dict[int, int | None] = {
            p: None if p == 0 or rng.random() < 0.05 else rng.randrange(size + 2 if rng.random() < 0.2 else p)
            for p in range(size)
        }
        index = direct_reports(managers)
        for root in [*managers, size + 5]:
            assert below(index, root) == _reports_to(managers, root) == subtree(managers, root)


def _import(url: str, tmp_path: Path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(text)
    import_file(kind, path, url=url)


def _people_csv(managers: Mapping[int, int | None]) -> str:
    rows = [
        f"E{p},Person {p},p{p}@example.org,{'' if m is None else f'E{m}'},CO,2020-01-01"
        for p, m in managers.items()
    ]
    return "hris_id,name,email,manager_id,org_unit,hire_date\n" + "\n".join(rows) + "\n"


def _assert_teams_follow(url: str, managers: Mapping[int, int | None]) -> None:
    """Every person's visible set as a manager is exactly their reporting chain and themselves."""
    with session_scope(url) as s:
        hris = {int(i): h for i, h in s.execute(select(Person.id, Person.hris_id))}
        uncached = manager_map(s)
        for person_id, code in hris.items():
            visible = visible_people(s, Scope.OWN_SUBTREE, person_id)
            assert visible is not None
            assert visible == subtree(uncached, person_id) | {person_id}
            expected = {f"E{p}" for p in _reports_to(managers, int(code[1:]))} | {code}
            assert {hris[p] for p in visible} == expected


def test_a_managers_team_follows_every_change_of_reporting_line(db_url: str, tmp_path: Path) -> None:
    _import(db_url, tmp_path, "org-units", "code,name,parent_code,kind\nCO,Acme,,company\n")
    rng = random.Random(5)
    managers: dict[int, int | None] = {p: None if p == 0 else rng.randrange(p) for p in range(40)}
    _import(db_url, tmp_path, "people", _people_csv(managers))
    _assert_teams_follow(db_url, managers)
    with session_scope(db_url) as s:
        index = snapshots.managers(s)
        assert snapshots.managers(s) is index, "nothing changed: the reporting lines are reused"

    # An import that only moves people (same rows, new managers) is seen on the next read.
    moved = max(range(1, 40), key=lambda p: len(_reports_to(managers, p)))
    team = _reports_to(managers, moved)
    assert len(team) >= 2
    managers[moved] = max(p for p in managers if p not in team | {moved, managers[moved]})
    _import(db_url, tmp_path, "people", _people_csv(managers))
    _assert_teams_follow(db_url, managers)

    # So is an edit in place once it says so (`touch`), inside the same session too.
    with session_scope(db_url) as s:
        ids = {h: int(i) for i, h in s.execute(select(Person.id, Person.hris_id))}
        top = ids["E0"]
        before = visible_people(s, Scope.OWN_SUBTREE, top)
        assert before is not None and ids["E39"] in before
        s.execute(update(Person).where(Person.hris_id == "E39").values(manager_id=None))
        data_version.touch(s)
        after = visible_people(s, Scope.OWN_SUBTREE, top)
        assert after is not None and ids["E39"] not in after
    managers[39] = None
    _assert_teams_follow(db_url, managers)


def test_other_scopes_are_not_walked() -> None:
    assert visible_people(None, Scope.ORGANISATION, 3) is None  # type: ignore[arg-type]
    assert visible_people(None, Scope.SELF, 3) == {3}  # type: ignore[arg-type]
    assert visible_people(None, Scope.OWN_SUBTREE, None) == frozenset()  # type: ignore[arg-type]
