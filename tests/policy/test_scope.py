"""Row scoping: whose records an actor's scope covers."""

from __future__ import annotations

from peoplealign.policy.scope import Scope, subtree, widest


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
