"""Reference rows (skills, learning programs, org units) that other imports may create on first sight,
so a file can name a skill before the skill catalogue has been imported on its own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update

from peoplealign.ingest.kinds.base import Context


class Catalogue:
    """Codes → ids for one table; new codes are inserted (name defaults to the code), and attributes
    given in the file refresh a stored row once per import."""

    def __init__(
        self, ctx: Context, table: Any, known: dict[str, int], defaults: dict[str, Any] | None = None
    ) -> None:
        self.ctx = ctx
        self.table = table
        self.known = known
        self.defaults = defaults or {}
        self._seen: set[str] = set()

    def ensure(self, entries: dict[str, dict[str, Any]]) -> None:
        fresh = {code: attrs for code, attrs in entries.items() if code not in self._seen}
        self._seen.update(fresh)
        new = [
            {
                **attrs,
                **{k: v for k, v in self.defaults.items() if attrs.get(k) is None},
                "code": code,
                "name": attrs.get("name") or code,
            }
            for code, attrs in fresh.items()
            if code not in self.known
        ]
        if new:
            statement = insert(self.table).returning(self.table.c.id, sort_by_parameter_order=True)
            for record, row in zip(new, self.ctx.conn.execute(statement, new), strict=True):
                self.known[record["code"]] = row[0]
        for code, attrs in fresh.items():
            given = {k: v for k, v in attrs.items() if v is not None}
            if given and all(code != record["code"] for record in new):
                self.ctx.conn.execute(update(self.table).where(self.table.c.code == code).values(given))

    @classmethod
    def of(
        cls, ctx: Context, table: Any, known: dict[str, int], defaults: dict[str, Any] | None = None
    ) -> Catalogue:
        """The one catalogue per table for this import."""
        if table.name not in ctx.catalogues:
            ctx.catalogues[table.name] = cls(ctx, table, known, defaults)
        catalogue: Catalogue = ctx.catalogues[table.name]
        return catalogue

    def __getitem__(self, code: str) -> int:
        return self.known[code]
