"""Whole-file checks that need memory of earlier rows, kept small: duplicate keys are tracked as 64-bit
hashes with their line numbers (16 bytes a row), and manager/parent chains as one dict of edges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from peoplealign.ingest.problems import ProblemLog


class DuplicateKeys:
    """Finds rows whose natural key repeats an earlier row's, without keeping the keys themselves."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self._hashes: list[np.ndarray] = []
        self._lines: list[np.ndarray] = []

    def add(self, texts: dict[str, np.ndarray], lines: np.ndarray) -> None:
        """`texts`: the stripped cell text of each key column for one chunk."""
        keys = pd.DataFrame({c: texts[c] for c in self.columns})
        self._hashes.append(pd.util.hash_pandas_object(keys, index=False).to_numpy())
        self._lines.append(lines)

    def report(self, problems: ProblemLog) -> None:
        if not self._hashes:
            return
        hashes = np.concatenate(self._hashes)
        lines = np.concatenate(self._lines)
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        repeat = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
        if not len(repeat):
            return
        first_of_group = np.searchsorted(ordered, ordered[repeat], side="left")
        pairs = sorted(zip(lines[order[repeat]].tolist(), lines[order[first_of_group]].tolist(), strict=True))
        label = self.columns[0] if len(self.columns) == 1 else "+".join(self.columns)
        for line, first in pairs[:20]:
            problems.add(int(line), label, f"expected a unique {label}, found the same value as row {first}")
        problems.count_unlisted(max(0, len(pairs) - 20))


def find_cycles(parent_of: Mapping[Any, Any]) -> list[list[Any]]:
    """Every cycle in a child → parent graph (manager chains, org-unit trees), each listed once.

    Pointer jumping over integer positions (log-depth numpy steps) first drops every node whose chain
    ends, so the walk that names the cycles only visits the few nodes on or leading into one."""
    nodes = list(parent_of)
    if not nodes:
        return []
    positions = pd.Index(nodes, dtype=object, tupleize_cols=False)
    jump = positions.get_indexer(pd.Index(list(parent_of.values()), dtype=object, tupleize_cols=False))
    for _ in range(len(nodes).bit_length()):
        live = jump >= 0
        jump[live] = jump[jump[live]]
    looping = np.flatnonzero(jump >= 0).tolist()
    return _walk_cycles({nodes[i]: parent_of[nodes[i]] for i in looping})


def _walk_cycles(parent_of: Mapping[Any, Any]) -> list[list[Any]]:
    state: dict[Any, int] = {}
    cycles: list[list[Any]] = []
    for start in parent_of:
        if start in state:
            continue
        path: list[Any] = []
        node = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = parent_of.get(node)
        if node is not None and state.get(node) == 1:
            cycles.append(path[path.index(node) :])
        for visited in path:
            state[visited] = 2
    return cycles
