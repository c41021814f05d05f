"""Child → parent references inside one table (manager chains, org-unit trees).

A parent may be stored already or appear anywhere in the file, even after its children; references
to nobody and cycles (including through stored rows) are problems. While writing, a parent that
is inserted later is linked after the last chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from peoplealign.ingest.columns import Parsed
from peoplealign.ingest.keys import find_cycles
from peoplealign.ingest.kinds.base import Context
from peoplealign.ingest.upsert import Columns, Outcome, Status, Upserter, bulk_update


class ParentLinks:
    def __init__(self, key_column: str, parent_column: str, noun: str) -> None:
        self.key_column = key_column
        self.parent_column = parent_column
        self.noun = noun
        self.in_file: set[str] = set()
        self.parent_of: dict[str, str] = {}
        self.line_of: dict[str, int] = {}
        self.forward: list[tuple[int, str]] = []
        self.deferred: list[dict[str, Any]] = []

    def check(self, rows: Parsed, ctx: Context, stored: dict[str, int]) -> None:
        keys = np.asarray(rows.get(self.key_column), dtype=object)
        parents = np.asarray(rows.get(self.parent_column), dtype=object)
        named = keys != None  # noqa: E711 - elementwise comparison
        self.in_file.update(keys[named].tolist())
        linked = np.flatnonzero(named & (parents != None))  # noqa: E711 - elementwise comparison
        linked_keys, linked_parents = keys[linked].tolist(), parents[linked].tolist()
        linked_lines = rows.lines[linked].tolist()
        self.parent_of.update(zip(linked_keys, linked_parents, strict=True))
        self.line_of.update(zip(linked_keys, linked_lines, strict=True))
        # A parent named later in the file is only known at the end; check_end looks again then.
        self.forward += [
            (line, parent)
            for line, parent in zip(linked_lines, linked_parents, strict=True)
            if parent not in stored and parent not in self.in_file
        ]

    def check_end(self, ctx: Context, stored_edges: Callable[[], dict[str, str]]) -> None:
        for line, parent in self.forward:
            if parent not in self.in_file:
                ctx.problems.add(
                    line,
                    self.parent_column,
                    f"expected the id of {self.noun} in this file or stored, found {parent!r}",
                )
        graph = {k: v for k, v in stored_edges().items() if k not in self.in_file}
        graph.update(self.parent_of)
        for cycle in find_cycles(graph):
            in_file = [node for node in cycle if node in self.line_of]
            first = min(in_file, key=self.line_of.__getitem__)
            chain = " → ".join([*cycle, cycle[0]])
            ctx.problems.add(
                self.line_of[first], self.parent_column, f"expected a chain that ends, found a cycle: {chain}"
            )

    def write(
        self,
        upserter: Upserter,
        columns: Columns,
        parent_id_column: str,
        keys: Sequence[str],
        parents: Sequence[str | None],
        known: dict[str, int],
    ) -> Outcome:
        """Write a chunk in waves: rows whose parent is stored first, then their children, and so on,
        so links are set on insert. Parents further on in the file are linked at the end; a stored row
        gaining such a parent has changed."""
        size = len(keys)
        statuses = [Status.UNCHANGED] * size
        ids = [0] * size
        arrays: dict[str, np.ndarray] = {}
        for wave, final in _merged(_waves(keys, parents, known), upserter.numbers_ahead):
            chunk = dict(columns) if len(wave) == size else _pick(columns, wave, arrays)
            numbered = None if final or not upserter.numbers_ahead() else upserter.next_ids(len(wave))
            if numbered is not None:
                # Depth order puts every parent of this wave before its children: known up front.
                known.update(zip([keys[p] for p in wave], numbered, strict=True))
            chunk[parent_id_column] = [
                known.get(parent) if parent else None for parent in (parents[p] for p in wave)
            ]
            outcome = upserter.write(chunk, want_ids=True, numbered=numbered)
            for position, status, new_id in zip(wave, outcome.statuses, outcome.ids, strict=True):
                statuses[position], ids[position] = status, new_id
            if numbered is None:
                known.update(zip([keys[p] for p in wave], outcome.ids, strict=True))
            if not final:
                continue
            for position, new_id in zip(wave, outcome.ids, strict=True):
                if parents[position] is not None:
                    self.deferred.append({"_id": new_id, "_parent": parents[position]})
                    if statuses[position] is Status.UNCHANGED:
                        statuses[position] = Status.UPDATED
        return Outcome(statuses, ids)

    def write_end(self, ctx: Context, table: Any, parent_id_column: str, known: dict[str, int]) -> None:
        ids = [d["_id"] for d in self.deferred]
        bulk_update(ctx.conn, table, ids, {parent_id_column: [known[d["_parent"]] for d in self.deferred]})


def _pick(columns: Columns, positions: list[int], arrays: dict[str, np.ndarray]) -> Columns:
    """The rows at `positions` of every column: a slice when they are a run (managers listed before
    their reports), else through object arrays made once, on first use."""
    start, stop = positions[0], positions[0] + len(positions)
    if positions == list(range(start, stop)):
        return {name: values[start:stop] for name, values in columns.items()}
    if not arrays:
        arrays.update({name: np.asarray(values, dtype=object) for name, values in columns.items()})
    picked = np.asarray(positions)
    return {name: values[picked].tolist() for name, values in arrays.items()}


def _merged(
    waves: Iterator[tuple[list[int], bool]], numbers_ahead: Callable[[], bool]
) -> Iterator[tuple[list[int], bool]]:
    """The first wave alone, then, if the upserter can number rows ahead once that first write has
    taken the lock, every later depth as one wave in depth order: one insert instead of one per level.
    Otherwise the level-by-level waves, so each row is still linked on insert."""
    first = next(waves, None)
    if first is None:
        return
    yield first
    if not numbers_ahead():
        yield from waves
        return
    merged: list[int] = []
    for wave, final in waves:
        if final:
            if merged:
                yield merged, False
                merged = []
            yield wave, final
        else:
            merged += wave
    if merged:
        yield merged, False


def _waves(
    keys: Sequence[str], parents: Sequence[str | None], known: dict[str, int]
) -> Iterator[tuple[list[int], bool]]:
    """Positions of each wave in file order: depth 0 has its parent stored (or none), depth d its
    parent at depth d − 1 of this chunk; the rest, whose chain runs to a parent further on in the file,
    come last in one final wave. Depths are numpy steps, one per level, not a Python pass per row."""
    parent_at = pd.Index(np.asarray(keys, dtype=object)).get_indexer(np.asarray(parents, dtype=object))
    depth = np.full(len(keys), -1, dtype=np.int64)
    depth[[parent is None or parent in known for parent in parents]] = 0
    level = 0
    while True:
        wave = np.flatnonzero(depth == level)
        if not len(wave):
            break
        yield wave.tolist(), False
        waiting = (depth < 0) & (parent_at >= 0)
        waiting[waiting] = depth[parent_at[waiting]] == level
        level += 1
        depth[waiting] = level
    rest = np.flatnonzero(depth < 0)
    if len(rest):
        yield rest.tolist(), True
