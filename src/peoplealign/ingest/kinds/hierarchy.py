"""Child → parent references inside one table (manager chains, org-unit trees).

A parent may be stored already or appear anywhere in the file, even after its children; references
to nobody and cycles (including through stored rows) are problems. While writing, a parent that
is not inserted yet is linked after the last chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from peoplealign.ingest.columns import Parsed
from peoplealign.ingest.keys import find_cycles
from peoplealign.ingest.kinds.base import Context
from peoplealign.ingest.upsert import Status, bulk_update


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
        for line, key, parent in zip(
            rows.lines.tolist(), rows.get(self.key_column), rows.get(self.parent_column), strict=True
        ):
            if key is None:
                continue
            self.in_file.add(key)
            if parent is None:
                continue
            self.parent_of[key] = parent
            self.line_of[key] = line
            if parent not in stored and parent not in self.in_file:
                self.forward.append((line, parent))

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

    def resolve(
        self, parents: Sequence[str | None], known: dict[str, int]
    ) -> tuple[list[int | None], list[bool]]:
        """Parent ids where the parent is already stored; `later` marks parents inserted further on."""
        ids: list[int | None] = []
        later: list[bool] = []
        for parent in parents:
            parent_id = None if parent is None else known.get(parent)
            ids.append(parent_id)
            later.append(parent is not None and parent_id is None)
        return ids, later

    def defer(
        self, statuses: list[Status], ids: list[int], parents: Sequence[str | None], later: list[bool]
    ) -> list[Status]:
        """Remember late links; a stored row gaining a parent that did not exist yet has changed."""
        result = list(statuses)
        for position, is_late in enumerate(later):
            if not is_late:
                continue
            self.deferred.append({"_id": ids[position], "_parent": parents[position]})
            if result[position] is Status.UNCHANGED:
                result[position] = Status.UPDATED
        return result

    def write_end(self, ctx: Context, table: Any, parent_id_column: str, known: dict[str, int]) -> None:
        ids = [d["_id"] for d in self.deferred]
        bulk_update(ctx.conn, table, ids, {parent_id_column: [known[d["_parent"]] for d in self.deferred]})
