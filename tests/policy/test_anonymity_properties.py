"""Property tests: for random small organisations, no arithmetic over visible cells isolates < k people.

The attacker here is independent of the implementation: it enumerates every union of pairwise-disjoint
visible cells inside every visible cell (by brute force over sets), which also covers every pair of
nested cells, across all breakdowns, requests and filters at once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from peoplealign.policy.aggregates import ORG_STRUCTURE
from peoplealign.policy.anonymity import (
    REASON_COMPLEMENTARY,
    CellDecision,
    CellKey,
    Member,
    Release,
    breakdowns,
    lattice_cells,
    protect,
    release_for,
)

SETTINGS = settings(max_examples=150, deadline=None)


def leaks(
    visible: Sequence[frozenset[str]],
    k: int,
    known: frozenset[str] = frozenset(),
    public: frozenset[frozenset[str]] = frozenset(),
) -> list[str]:
    """Every way a visible cell minus disjoint visible sub-cells leaves 1..k-1 (unknown) people.
    Cells in `public` (the organisation structure) are facts the attacker knows anyway: a way made of
    them alone discloses nothing and is not reported."""
    found = []
    cells = sorted(set(visible), key=len)
    for parent in cells:
        inside = [c for c in cells if c < parent]
        # Each union of disjoint cells, with whether some way to form it uses a non-public cell.
        unions = {frozenset[str](): parent not in public}
        for cell in inside:
            for union, decided in list(unions.items()):
                if not union & cell:
                    grown = union | cell
                    unions[grown] = unions.get(grown, False) or decided or cell not in public
        for union, decided in unions.items():
            rest = parent - union - known
            if union and decided and 0 < len(rest) < k:
                found.append(f"{sorted(parent)} minus {sorted(union)} leaves {sorted(rest)}")
    return found


def structure_and_decided(release: Release) -> tuple[list[CellDecision], list[frozenset[str]]]:
    """The exact organisation-structure cells, and the other cells shown."""
    structure = [d for key, d in release.cells.items() if _is_structure(key)]
    decided = [d.members for key, d in release.cells.items() if not _is_structure(key) and d.visible]
    return structure, decided


def _is_structure(key: CellKey) -> bool:
    return set(key.dims) <= set(ORG_STRUCTURE)


@st.composite
def organisations(draw: st.DrawFn) -> list[Member]:
    """Random people with random dimension values, an org tree (teams inside departments) and tiny
    groups on purpose: few values per dimension and skewed draws."""
    size = draw(st.integers(min_value=3, max_value=14))
    departments = draw(st.integers(min_value=1, max_value=3))
    teams_per_department = draw(st.integers(min_value=1, max_value=3))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = random.Random(seed)
    people = []
    for i in range(size):
        department = rng.randrange(departments)
        people.append(
            Member(
                key=f"p{i}",
                dims={
                    "department": f"D{department}",
                    "org_unit": f"D{department}T{rng.randrange(teams_per_department)}",
                    "location": rng.choice(["A", "A", "B", "C"]),
                    "level": rng.choice([1, 2, 2, 3]),
                    "tenure_band": rng.choice(["<1y", "1-2y", "2-5y"]),
                },
            )
        )
    return people


@SETTINGS
@given(people=organisations(), k=st.integers(min_value=2, max_value=5))
def test_no_combination_of_visible_cells_isolates_a_small_group(people: list[Member], k: int) -> None:
    release = protect(lattice_cells(people, "organisation"), k)
    visible = release.visible_member_sets()
    assert all(len(cell) >= k for cell in visible)
    assert leaks(visible, k) == []


@SETTINGS
@given(
    people=organisations(),
    k=st.integers(min_value=2, max_value=4),
    requests=st.lists(
        st.tuples(
            st.sampled_from(breakdowns()),
            st.sampled_from(["department", "location", "level", "tenure_band", None]),
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_repeated_requests_with_filters_stay_safe_and_consistent(
    people: list[Member], k: int, requests: list[tuple[tuple[str, ...], str | None]]
) -> None:
    """An attacker who sends many requests with different breakdowns and filters sees cells of one
    decision: asking again never changes an answer, and all answers together leak nothing."""
    release = protect(lattice_cells(people, "organisation"), k)
    seen: dict[tuple[object, ...], tuple[int, bool]] = {}
    for by, filter_dim in requests:
        filters = {}
        if filter_dim is not None and filter_dim not in by and len(by) < 2:
            filters = {filter_dim: people[0].dims[filter_dim]}
        for key, decision in release.cells_for("organisation", by, filters):
            previous = seen.setdefault((key.dims, key.values), (decision.n, decision.visible))
            assert previous == (decision.n, decision.visible)
    visible = [
        release.cells[key].members
        for key in release.cells
        if (key.dims, key.values) in seen and release.cells[key].visible
    ]
    assert leaks(visible, k) == []


@SETTINGS
@given(people=organisations(), k=st.integers(min_value=2, max_value=4), data=st.data())
def test_team_cells_cannot_be_subtracted_from_organisation_figures(
    people: list[Member], k: int, data: st.DataObject
) -> None:
    """A manager sees their team's lattice next to organisation-wide figures every employee sees;
    the combination is protected, with the manager's own answers not counting as a leak."""
    team_size = data.draw(st.integers(min_value=1, max_value=len(people)))
    team = people[:team_size]
    manager = frozenset({people[-1].key}) if team_size < len(people) else frozenset()
    organisation = protect(lattice_cells(people, "organisation", dimensions=()), k)
    public = organisation.visible_member_sets()
    release = protect(lattice_cells(team, "team"), k, fixed_visible=public, known=manager)
    visible = public + release.visible_member_sets()
    assert leaks(visible, k, known=manager) == []


def test_parent_minus_children_is_prevented_by_complementary_suppression() -> None:
    """Department D0 has 6 people: a team of 5 and a team of 1. Hiding only the small team would let
    anyone compute it as D0 minus the big team, so the big team is hidden too."""
    people = [
        Member(f"p{i}", {"department": "D0", "org_unit": "big" if i < 5 else "small"}) for i in range(6)
    ] + [Member(f"q{i}", {"department": "D1", "org_unit": "other"}) for i in range(6)]
    cells = lattice_cells(people, "organisation", dimensions=("department", "org_unit"), max_dims=1)
    release = protect(cells, 5)
    by_value = {key.values: decision for key, decision in release.cells.items()}
    assert by_value[("small",)].reason == "fewer than 5 people"
    assert by_value[("big",)].reason == REASON_COMPLEMENTARY
    assert by_value[("D0",)].visible and by_value[("D0",)].n == 6
    assert leaks(release.visible_member_sets(), 5) == []


def test_cross_partition_disjoint_cells_are_caught() -> None:
    """Location B happens to lie inside department D0: D0 minus location B minus D0's level-2 cell
    (disjoint from B by chance) isolates one person unless something is hidden."""
    people = (
        [Member(f"b{i}", {"department": "D0", "location": "B", "level": 1}) for i in range(5)]
        + [Member(f"c{i}", {"department": "D0", "location": "A", "level": 2}) for i in range(5)]
        + [Member("x", {"department": "D0", "location": "A", "level": 3})]
        + [Member(f"o{i}", {"department": "D1", "location": "A", "level": 3}) for i in range(6)]
    )
    cells = lattice_cells(people, "organisation", dimensions=("department", "location", "level"), max_dims=1)
    unprotected = [m for m in cells.values() if len(m) >= 5]
    assert leaks(unprotected, 5), "the scenario must be an attack without protection"
    release = protect(cells, 5)
    assert leaks(release.visible_member_sets(), 5) == []


@SETTINGS
@given(people=organisations(), k=st.integers(min_value=2, max_value=4))
def test_a_proof_that_runs_out_of_budget_hides_cells_instead_of_leaking(people: list[Member], k: int) -> None:
    release = protect(lattice_cells(people, "organisation"), k, budget=40)
    assert leaks(release.visible_member_sets(), k) == []
    assert any(d.visible for d in release.cells.values()) == (len(people) >= k)


@SETTINGS
@given(people=organisations(), k=st.integers(min_value=2, max_value=5))
def test_exact_org_structure_cannot_be_combined_with_crossed_cells(people: list[Member], k: int) -> None:
    """Headcounts by department and unit are exact, small units included; every crossed cell shown
    has at least k people, and no exact structure cell minus shown crossed cells (or the reverse)
    isolates 1..k-1 people."""
    release = release_for(people, "organisation", k, exact_dims=ORG_STRUCTURE)
    structure, decided = structure_and_decided(release)
    assert all(d.visible and d.n == len(d.members) for d in structure)
    assert release.cells_for("organisation", ())[0][1].n == len(people)
    assert all(len(cell) >= k for cell in decided)
    public = frozenset(d.members for d in structure) - set(decided)
    assert leaks([*(d.members for d in structure), *decided], k, public=public) == []


@SETTINGS
@given(people=organisations(), k=st.integers(min_value=2, max_value=4), data=st.data())
def test_a_managers_crossed_headcounts_stay_safe_against_the_whole_org_chart(
    people: list[Member], k: int, data: st.DataObject
) -> None:
    team_size = data.draw(st.integers(min_value=1, max_value=len(people)))
    team = people[:team_size]
    manager = frozenset({people[-1].key}) if team_size < len(people) else frozenset()
    org_chart = release_for(people, "organisation", k, dimensions=ORG_STRUCTURE, exact_dims=ORG_STRUCTURE)
    chart = org_chart.visible_member_sets()
    release = release_for(team, "team", k, fixed_visible=chart, known=manager, exact_dims=ORG_STRUCTURE)
    structure, decided = structure_and_decided(release)
    assert all(d.visible for d in structure)
    public = frozenset([*chart, *(d.members for d in structure)]) - set(decided)
    visible = [*chart, *(d.members for d in structure), *decided]
    assert leaks(visible, k, known=manager, public=public) == []


def test_a_team_total_minus_its_level_cells_cannot_single_out_a_level() -> None:
    """Team A (6 people, one of them at level 3) and team B (3 people) make department D0; D1 is six
    people at level 1. Every headcount by unit and department is shown exactly, B's 3 included, and
    the differences of structure cells alone (D0 minus A is B) are no concern; but A at level 2 (5)
    would tell, subtracted from A's exact 6, that the sixth person is not at level 2: hidden, with
    the cells that equal it in other breakdowns. Protecting the old way would have failed here:
    exact structure cells alone isolate B."""
    people = (
        [Member(f"a{i}", {"department": "D0", "org_unit": "A", "level": 2}) for i in range(5)]
        + [Member("a5", {"department": "D0", "org_unit": "A", "level": 3})]
        + [Member(f"b{i}", {"department": "D0", "org_unit": "B", "level": 4}) for i in range(3)]
        + [Member(f"c{i}", {"department": "D1", "org_unit": "C", "level": 1}) for i in range(6)]
    )
    dims = ("department", "org_unit", "level")
    release = release_for(people, "organisation", 5, dimensions=dims, exact_dims=ORG_STRUCTURE)
    by_group = {tuple(sorted(key.group().items())): d for key, d in release.cells.items()}
    assert (by_group[(("org_unit", "B"),)].n, by_group[(("org_unit", "B"),)].visible) == (3, True)
    assert by_group[(("department", "D0"),)].n == 9 and by_group[()].n == 15
    assert by_group[(("level", 2), ("org_unit", "A"))].reason == REASON_COMPLEMENTARY
    assert by_group[(("level", 2),)].reason == REASON_COMPLEMENTARY
    # Level 1 (D1's six) with the exact total and team A would tell that B's three are not at level 1.
    assert by_group[(("level", 1),)].reason == REASON_COMPLEMENTARY
    structure, decided = structure_and_decided(release)
    public = frozenset(d.members for d in structure) - set(decided)
    assert leaks([*(d.members for d in structure), *decided], 5, public=public) == []


# --- weekly series: which cell an attack gives up follows each cell's usual size over the window, so a
# steady team is not hidden in the weeks a churning neighbour happens to be bigger; same guarantee.

STABLE_DIMS = ("department", "org_unit")
STABLE_K = 5


def _team(prefix: str, size: int, unit: str) -> list[Member]:
    return [Member(f"{prefix}{i}", {"department": "OPS", "org_unit": unit}) for i in range(size)]


def _week(churning: int) -> list[Member]:
    """A department whose head sits in the department's own unit (a cell of one, always hidden):
    the department minus its teams would be the head, so one team must be hidden every week."""
    return [*_team("head", 1, "OPS"), *_team("a", 13, "OPS-01"), *_team("b", churning, "OPS-02")]


def _usual(weeks: list[list[Member]]) -> dict[tuple[tuple[str, ...], tuple[object, ...]], float]:
    totals: dict[tuple[tuple[str, ...], tuple[object, ...]], float] = {}
    for people in weeks:
        for key, members in lattice_cells(people, "organisation", STABLE_DIMS).items():
            totals[(key.dims, key.values)] = totals.get((key.dims, key.values), 0.0) + len(members)
    return {key: total / len(weeks) for key, total in totals.items()}


def _steady_team_visible(release: Release) -> bool:
    return all(d.visible for key, d in release.cells.items() if key.group().get("org_unit") == "OPS-01")


def test_a_steady_team_of_at_least_k_is_released_in_every_week() -> None:
    weeks = [_week(churning) for churning in (12, 14, 14, 12, 12, 14, 12, 12)]
    usual = _usual(weeks)
    week_by_week = [protect(lattice_cells(people, "organisation", STABLE_DIMS), STABLE_K) for people in weeks]
    assert not all(_steady_team_visible(r) for r in week_by_week), "the old flip-flop, for contrast"
    for people in weeks:
        release = protect(lattice_cells(people, "organisation", STABLE_DIMS), STABLE_K, stable_sizes=usual)
        assert _steady_team_visible(release)
        assert leaks(release.visible_member_sets(), STABLE_K) == []
        churning = [d for key, d in release.cells.items() if key.group().get("org_unit") == "OPS-02"]
        assert churning and not any(d.visible for d in churning), "the usually smaller team is given up"


@SETTINGS
@given(
    people=organisations(),
    k=st.integers(min_value=2, max_value=5),
    sizes=st.lists(st.floats(min_value=0, max_value=20, allow_nan=False), min_size=40, max_size=40),
)
def test_any_usual_sizes_leave_no_combination_that_isolates_a_small_group(
    people: list[Member], k: int, sizes: list[float]
) -> None:
    """Usual sizes only choose among the cells of an attack: whatever they say, no leak."""
    cells = lattice_cells(people, "organisation")
    usual = {(key.dims, key.values): sizes[i % len(sizes)] for i, key in enumerate(sorted(cells))}
    release = protect(cells, k, stable_sizes=usual)
    visible = release.visible_member_sets()
    assert all(len(cell) >= k for cell in visible)
    assert leaks(visible, k) == []
