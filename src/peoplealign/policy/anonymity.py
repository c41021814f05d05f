"""Which aggregate cells an actor may see: k-suppression plus protection against differencing.

Suppressing only cells with fewer than k people is not enough: a visible parent minus its visible
children (or minus any pairwise-disjoint visible cells inside it, from any breakdown) can single out
a small group. So the decision is taken once for the actor's *whole requestable lattice* (every cell
of every breakdown of up to `max_dims` dimensions, the total included) and cached; every request
then returns cells from that one consistent decision, so no sequence of requests, filters or
breakdowns can be combined to isolate fewer than k people.

The guarantee, checked until a fixed point: every visible cell has n >= k, and for every visible
cell P and every family of pairwise-disjoint visible cells inside P, |P minus their union| is 0 or
at least k. The search for such families works on "atoms" (people indistinguishable by the visible
cells inside P) and gives up conservatively: if it cannot finish within its budget, it hides cells
until it can, so a slow proof never becomes a leak.

Some cells are public facts rather than decisions: organisation-wide figures an actor already sees,
and the exact organisation structure (how many people each unit has, see `release_for`'s
`exact_dims`). They are never hidden and count as known to the attacker in every attack; an attack
made of public cells alone reveals nothing this decision protects, so a witness must use at least
one decided cell.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

DIMENSIONS: tuple[str, ...] = ("department", "org_unit", "location", "level", "tenure_band")
MAX_DIMS = 2
REASON_SMALL = "fewer than {k} people"
REASON_COMPLEMENTARY = "hidden so that other cells cannot be subtracted to reveal a small group"
# Work units (atoms examined) one proof may take, about five seconds; beyond it the finest cells
# inside the parent are given up together and the proof is tried again on the simpler lattice.
SEARCH_BUDGET = 3_000_000


@dataclass(frozen=True)
class Member:
    """One person of a population: an opaque key and the dimension values used for breakdowns."""

    key: str
    dims: Mapping[str, Hashable]


@dataclass(frozen=True, order=True)
class CellKey:
    """A cell of the lattice: the breakdown (dimension names, canonical order) and its values.
    `scope` separates cells of different populations an actor can query (organisation vs team)."""

    scope: str
    dims: tuple[str, ...]
    values: tuple[Hashable, ...]

    def group(self) -> dict[str, Hashable]:
        return dict(zip(self.dims, self.values, strict=True))


@dataclass(frozen=True)
class CellDecision:
    n: int
    visible: bool
    reason: str | None
    members: frozenset[str]


@dataclass
class Release:
    """The decision for a whole lattice: look cells up, never recompute them per request."""

    k: int
    cells: dict[CellKey, CellDecision] = field(default_factory=dict)
    _visible: tuple[int, tuple[frozenset[str], ...]] | None = field(default=None, repr=False, compare=False)

    def cells_for(
        self, scope: str, by: Sequence[str], filters: Mapping[str, Hashable] | None = None
    ) -> list[tuple[CellKey, CellDecision]]:
        """The cells of one request: breakdown `by` restricted to `filters`, in a stable order."""
        filters = dict(filters or {})
        dims = canonical_dims([*by, *filters])
        found = []
        for key, decision in self.cells.items():
            if key.scope != scope or key.dims != dims:
                continue
            group = key.group()
            # Filters arrive as text from the CLI and the web; levels are numbers in the data.
            if all(str(group[d]) == str(v) for d, v in filters.items()):
                found.append((key, decision))
        return sorted(found, key=lambda item: tuple(_sortable(v) for v in item[0].values))

    def visible_member_sets(self) -> tuple[frozenset[str], ...]:
        """The same tuple on every call once the release is complete, so it can be remembered as
        another decision's public cells."""
        if self._visible is None or self._visible[0] != len(self.cells):
            self._visible = (len(self.cells), tuple(d.members for d in self.cells.values() if d.visible))
        return self._visible[1]


def _sortable(value: Hashable) -> tuple[int, str]:
    return (1, "") if value is None else (0, f"{value:>12}" if isinstance(value, int) else str(value))


def canonical_dims(dims: Iterable[str]) -> tuple[str, ...]:
    chosen = set(dims)
    unknown = chosen - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimension(s) {sorted(unknown)}")
    return tuple(d for d in DIMENSIONS if d in chosen)


def breakdowns(dimensions: Sequence[str] = DIMENSIONS, max_dims: int = MAX_DIMS) -> list[tuple[str, ...]]:
    """Every breakdown an actor may request: the total, each dimension, each pair (up to max_dims)."""
    dims = canonical_dims(dimensions)
    return [combo for size in range(max_dims + 1) for combo in itertools.combinations(dims, size)]


def lattice_cells(
    population: Sequence[Member], scope: str, dimensions: Sequence[str] = DIMENSIONS, max_dims: int = MAX_DIMS
) -> dict[CellKey, frozenset[str]]:
    """All non-empty cells of all requestable breakdowns of a population."""
    cells: dict[CellKey, set[str]] = {}
    for combo in breakdowns(dimensions, max_dims):
        for member in population:
            key = CellKey(scope, combo, tuple(member.dims.get(d) for d in combo))
            cells.setdefault(key, set()).add(member.key)
    return {key: frozenset(members) for key, members in cells.items()}


StableSizes = Mapping[tuple[tuple[str, ...], tuple[Hashable, ...]], float]
"""A cell's usual size (dims, values -> e.g. its mean weekly count over a window): which cell to
give up is then the same in every period of a series, not whichever was smallest that week."""


def _hide_rank(key: CellKey, n: float) -> tuple[int, int, float]:
    """Which cell to give up first: the finest breakdown, then team-level cells, then the smallest."""
    return (len(key.dims), int("org_unit" in key.dims), -n)


class _SearchBudgetExceeded(Exception):
    """The proof search ran out of budget: the caller hides the finest cells instead of guessing."""


@dataclass(frozen=True)
class _Attack:
    """A witness: visible cell `parent` minus the disjoint visible `family` leaves 1..k-1 people."""

    parent: int
    family: tuple[int, ...]


def _popcount(mask: int) -> int:
    return mask.bit_count()


class _Index:
    """Which cells each person belongs to. A person sits in one cell per breakdown (plus a few
    public ones), so a parent's sub-cells and atoms are found from its own people: the work per
    proof grows with the parent's size, not with the number of cells in the lattice."""

    def __init__(self, positions: Mapping[int, Sequence[int]]) -> None:
        self.positions = positions
        self.cells_of: dict[int, list[int]] = {}
        for mask, people in positions.items():
            for person in people:
                self.cells_of.setdefault(person, []).append(mask)

    def inside(self, parent: int) -> list[int]:
        """Every cell strictly inside `parent`, shown or not: the lattice itself never changes."""
        touching = {c for p in self.positions[parent] for c in self.cells_of[p]}
        return [c for c in touching if c != parent and c & parent == c]


@dataclass
class _Atoms:
    """The parent split into groups of people that no visible sub-cell tells apart, as bitmasks over
    atoms (`cell_atoms`: the atoms of each sub-cell) and over sub-cells (`covering`: the sub-cells
    holding each atom; `overlapping`: the sub-cells sharing an atom with each sub-cell)."""

    weights: list[int]
    cell_atoms: list[int]
    covering: list[int]
    overlapping: list[int]


def _atoms(index: _Index, parent: int, subcells: Sequence[int], known: int) -> _Atoms:
    """People are grouped by the set of sub-cells holding them (and whether the actor knows them):
    one pass over the parent's people, each looking at the few cells they belong to."""
    position = {cell: i for i, cell in enumerate(subcells)}
    known_bit = 1 << len(subcells)
    sizes: dict[int, int] = {}
    for person in index.positions[parent]:
        signature = known_bit if known >> person & 1 else 0
        for cell in index.cells_of[person]:
            i = position.get(cell)
            if i is not None:
                signature |= 1 << i
        sizes[signature] = sizes.get(signature, 0) + 1
    signatures = list(sizes)
    weights = [0 if s & known_bit else sizes[s] for s in signatures]
    covering = [s & ~known_bit for s in signatures]
    cell_atoms = [0] * len(subcells)
    overlapping = [0] * len(subcells)
    for atom, cells in enumerate(covering):
        remaining = cells
        while remaining:
            low = remaining & -remaining
            i = low.bit_length() - 1
            remaining ^= low
            cell_atoms[i] |= 1 << atom
            overlapping[i] |= cells
    return _Atoms(weights, cell_atoms, covering, overlapping)


def find_attack(
    index: _Index,
    parent: int,
    subcells: Sequence[int],
    decided: Collection[int],
    k: int,
    known: int = 0,
    budget: int = SEARCH_BUDGET,
) -> _Attack | None:
    """A family of pairwise-disjoint `subcells` (visible cells inside `parent`) leaving 1..k-1
    people, or None.

    People in `known` (the actor themself) do not count in what is left: the actor learns nothing
    from isolating their own answers. Cells not in `decided` are public facts everyone may know: a
    witness made of them alone is not an attack, so it must use a decided cell (the parent or one in
    the family). Exact search over atoms: pick the atom with the fewest covering cells, then either
    cover it with one of them or leave it out (while fewer than k people are left out). Raises
    `_SearchBudgetExceeded` when the proof would examine more than `budget` atoms."""
    atoms = _atoms(index, parent, subcells, known)
    weights, cell_atoms, covering, overlapping = (
        atoms.weights,
        atoms.cell_atoms,
        atoms.covering,
        atoms.overlapping,
    )
    is_decided = [c in decided for c in subcells]
    failed: set[tuple[int, int, bool]] = set()
    steps = 0

    def search(
        region: int, available: int, missed: int, chosen: tuple[int, ...], uses_decided: bool
    ) -> tuple[int, ...] | None:
        # `available`: bitmask of cells inside `region`, i.e. disjoint from everything chosen or left out.
        nonlocal steps
        steps += region.bit_count()
        if steps > budget:
            raise _SearchBudgetExceeded
        state = (region, missed, uses_decided)
        if state in failed:
            return None
        best, best_count, forced = -1, 0, 0
        remaining = region
        while remaining:
            low = remaining & -remaining
            atom = low.bit_length() - 1
            remaining ^= low
            count = (covering[atom] & available).bit_count()
            if not count:
                forced |= low
                missed += weights[atom]
            elif best < 0 or count < best_count:
                best, best_count = atom, count
        if missed >= k:
            failed.add(state)
            return None
        if best < 0:
            # Leaving the parent whole is no attack: its own size was checked against k.
            return chosen if missed >= 1 and chosen and uses_decided else None
        region &= ~forced
        options = covering[best] & available
        while options:
            low = options & -options
            i = low.bit_length() - 1
            options ^= low
            found = search(
                region & ~cell_atoms[i],
                available & ~overlapping[i],
                missed,
                (*chosen, i),
                uses_decided or is_decided[i],
            )
            if found is not None:
                return found
        if missed + weights[best] < k:
            found = search(
                region & ~(1 << best),
                available & ~covering[best],
                missed + weights[best],
                chosen,
                uses_decided,
            )
            if found is not None:
                return found
        failed.add(state)
        return None

    family = search((1 << len(weights)) - 1, (1 << len(subcells)) - 1, 0, (), parent in decided)
    if family is None:
        return None
    return _Attack(parent, tuple(subcells[i] for i in family))


def protect(
    cells: Mapping[CellKey, frozenset[str]],
    k: int,
    fixed_visible: Sequence[frozenset[str]] = (),
    known: frozenset[str] = frozenset(),
    budget: int = SEARCH_BUDGET,
    stable_sizes: StableSizes | None = None,
) -> Release:
    """Decide every cell of a lattice. `fixed_visible` are public cells (organisation-wide figures
    the actor already sees, the exact organisation structure): they cannot be hidden and take part in
    every attack considered, but an attack made of them alone is none of this decision's business.
    `known` are people whose data the actor holds anyway (themself). `stable_sizes` only changes
    which cell of an attack is given up (the usually smallest instead of this period's smallest):
    every attack is still closed, so the guarantee is the same.

    Parents are proved smallest first and each until no attack is left; hiding a cell only removes
    witnesses, so a parent proved safe stays safe and is never looked at again."""
    universe = sorted(
        {m for members in cells.values() for m in members} | {m for s in fixed_visible for m in s}
    )
    number = {key: i for i, key in enumerate(universe)}
    positions: dict[int, list[int]] = {}

    def mask_of(members: Iterable[str]) -> int:
        people = sorted(number[m] for m in members)
        mask = int.from_bytes(_bitmap(people, len(universe)), "little")
        positions.setdefault(mask, people)
        return mask

    masks = {key: mask_of(members) for key, members in cells.items()}
    fixed = {mask_of(s) for s in fixed_visible}
    known_mask = mask_of(frozenset(known) & frozenset(universe))
    reasons: dict[CellKey, str] = {
        key: REASON_SMALL.format(k=k) for key, members in cells.items() if len(members) < k
    }
    # The same people may form a public cell and a decided one: the decided cell says more (its own
    # breakdown), so the group counts as decided while any such cell is shown.
    shown = {mask for key, mask in masks.items() if key not in reasons}
    owners: dict[int, list[CellKey]] = {}
    for key, mask in masks.items():
        owners.setdefault(mask, []).append(key)
    index = _Index({mask: positions[mask] for mask in {*masks.values(), *fixed}})

    def hide(mask: int) -> None:
        for key in owners.get(mask, []):
            reasons[key] = REASON_COMPLEMENTARY
        shown.discard(mask)

    def size(key: CellKey, mask: int) -> float:
        if stable_sizes is None:
            return _popcount(mask)
        return stable_sizes.get((key.dims, key.values), _popcount(mask))

    def rank(mask: int) -> tuple[int, int, float]:
        return max(_hide_rank(key, size(key, mask)) for key in owners[mask])

    for parent in sorted(fixed | shown, key=_popcount):
        inside = index.inside(parent)
        while True:
            visible = [c for c in inside if c in shown or c in fixed]
            decided_inside = [c for c in visible if c in shown]
            if parent not in shown and (parent not in fixed or not decided_inside):
                # Hidden meanwhile, or a public cell with only public cells inside: nothing to decide.
                break
            subcells = sorted(visible, key=_popcount, reverse=True)
            try:
                attack = find_attack(index, parent, subcells, shown, k, known_mask, budget)
            except _SearchBudgetExceeded:
                if not decided_inside:
                    hide(parent)
                    continue
                finest = max(rank(m)[:2] for m in decided_inside)
                for mask in decided_inside:
                    if rank(mask)[:2] == finest:
                        hide(mask)
                continue
            if attack is None:
                break
            hide(max((m for m in (attack.parent, *attack.family) if m in shown), key=rank))

    release = Release(k=k)
    for key, members in cells.items():
        reason = reasons.get(key)
        release.cells[key] = CellDecision(len(members), reason is None, reason, members)
    return release


def _bitmap(positions: Sequence[int], size: int) -> bytes:
    """Little-endian bytes with the given bit positions set: building a large mask in one step
    instead of adding thousands of big integers."""
    data = bytearray((size + 7) // 8)
    for position in positions:
        data[position >> 3] |= 1 << (position & 7)
    return bytes(data)


def population_fingerprint(population: Sequence[Member], scope: str) -> str:
    """A stable digest of a population and its dimension values: the cache key of its decision."""
    digest = hashlib.sha256(scope.encode())
    for member in sorted(population, key=lambda m: m.key):
        digest.update(repr((member.key, sorted(member.dims.items(), key=lambda kv: kv[0]))).encode())
    return digest.hexdigest()


_CACHE: dict[tuple[str, int, str], Release] = {}
_CACHE_SIZE = 256
_DIGESTS: dict[int, tuple[object, str]] = {}
_GUARD = threading.Lock()
_DECIDING: dict[tuple[str, int, str], threading.Lock] = {}


def _digest(value: Sequence[object], compute: Callable[[], str]) -> str:
    """`compute()` remembered for an immutable sequence (a tuple: a cached population, a release's
    public cells) so a dashboard does not hash 5,000 people on every request. Lists are hashed each
    time: they could change after being remembered."""
    if not isinstance(value, tuple):
        return compute()
    with _GUARD:
        known = _DIGESTS.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    digest = compute()
    with _GUARD:
        if len(_DIGESTS) >= _CACHE_SIZE:
            _DIGESTS.pop(next(iter(_DIGESTS)))
        # The entry holds the tuple itself, so its id cannot be reused while remembered.
        _DIGESTS[id(value)] = (value, digest)
    return digest


def release_for(
    population: Sequence[Member],
    scope: str,
    k: int,
    fixed_visible: Sequence[frozenset[str]] = (),
    known: frozenset[str] = frozenset(),
    dimensions: Sequence[str] = DIMENSIONS,
    exact_dims: Sequence[str] = (),
    stable_sizes: StableSizes | None = None,
) -> Release:
    """The cached decision for a population as seen by one kind of actor (same inputs, same answer).
    Concurrent requests for the same decision wait for the first one instead of each taking it.

    Breakdowns by `exact_dims` alone (then the total too) are public facts: released exactly, never
    suppressed, and visible to the attacker in the decision on every other cell."""
    public = _digest(
        fixed_visible,
        lambda: hashlib.sha256(repr(sorted(sorted(s) for s in fixed_visible)).encode()).hexdigest(),
    )
    order = sorted(repr(item) for item in (stable_sizes or {}).items())
    extras = repr((public, sorted(known), tuple(dimensions), tuple(exact_dims), order))
    fingerprint = _digest(population, lambda: population_fingerprint(population, scope) + scope)
    cache_key = (fingerprint, k, hashlib.sha256(extras.encode()).hexdigest())
    with _GUARD:
        if cache_key in _CACHE:
            return _CACHE[cache_key]
        deciding = _DECIDING.setdefault(cache_key, threading.Lock())
    with deciding:
        with _GUARD:
            if cache_key in _CACHE:
                return _CACHE[cache_key]
        cells = lattice_cells(population, scope, dimensions)
        exact = {key: m for key, m in cells.items() if exact_dims and set(key.dims) <= set(exact_dims)}
        decided = {key: members for key, members in cells.items() if key not in exact}
        release = protect(decided, k, [*fixed_visible, *exact.values()], known, stable_sizes=stable_sizes)
        release.cells.update({key: CellDecision(len(m), True, None, m) for key, m in exact.items()})
        with _GUARD:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[cache_key] = release
            _DECIDING.pop(cache_key, None)
    return release
