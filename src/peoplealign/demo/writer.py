"""Writing the demo: Core bulk inserts of columnar data in one transaction, with explicit ids so
rows can reference each other without round trips."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, Table, delete, func, select, text

from peoplealign.demo.stories import SETTING_KEY
from peoplealign.errors import PeopleAlignError
from peoplealign.store.models import AppSetting, Base, Person

Columns = dict[str, Any]
CHUNK_ROWS = 20_000

# Tables a demo replacement leaves alone: governance history, not organisation data.
KEPT_TABLES = frozenset(
    {"charter", "objective", "audit_event", "audit_event_subject", "import_run", "app_setting"}
)


def refuse_if_occupied(conn: Connection) -> None:
    """A demo never mixes with existing organisation data (people, users, surveys...): the caller
    must ask for a replacement."""
    people = conn.scalar(select(func.count()).select_from(Person.__table__)) or 0
    if people:
        raise PeopleAlignError(
            f"the database already holds {people} people; run with --replace to wipe them and load the demo"
        )
    occupied = [t.name for t in _wiped_tables() if conn.execute(select(1).select_from(t).limit(1)).first()]
    if occupied:
        raise PeopleAlignError(
            f"the database already holds data in {', '.join(occupied)}; "
            "run with --replace to wipe it and load the demo"
        )


def wipe(conn: Connection) -> None:
    """Delete organisation data child tables first; governance tables are kept (see KEPT_TABLES)."""
    for table in reversed(_wiped_tables()):
        conn.execute(delete(table))
    conn.execute(delete(AppSetting).where(AppSetting.key == SETTING_KEY))


def _wiped_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in KEPT_TABLES]


def insert(conn: Connection, table: Table, columns: Columns) -> int:
    names = list(columns)
    values = [_as_list(columns[name]) for name in names]
    lengths = {len(v) for v in values}
    if len(lengths) != 1:
        raise ValueError(f"columns of {table.name} differ in length: {lengths}")
    total = lengths.pop()
    for start in range(0, total, CHUNK_ROWS):
        rows = [
            dict(zip(names, row, strict=True))
            for row in zip(*(v[start : start + CHUNK_ROWS] for v in values), strict=True)
        ]
        conn.execute(table.insert(), rows)
    return total


def realign_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """PostgreSQL sequences do not see explicit ids: move them past the ids the demo used."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement in (True, "auto"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                )
            )


def _as_list(values: Any) -> list[Any]:
    """Python scalars for the driver: numpy integers are not ints to sqlite3 or psycopg."""
    if isinstance(values, np.ndarray):
        return list(values.tolist())
    return list(values)
