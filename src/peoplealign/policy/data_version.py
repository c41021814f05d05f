"""A token that changes whenever the data behind aggregates or the charter in force changes.

Caches of aggregates (`policy.snapshots`) are keyed by it, so an import, a retention run or a charter
approval makes every dashboard compute afresh on its next read. It is cheap enough to take on every
read (one statement of primary-key look-ups, about a millisecond): for each data table its smallest
and largest id (inserts move the largest, deletions of the oldest rows the smallest; import runs are
rows too, so every import counts even when it only updates), the active charter, and a counter that
code changing or deleting data outside an import (retention) bumps with `touch`.

A page asks for it once per cached aggregate, a dozen times per request, so a session remembers its
token until it writes or its transaction ends (`_forget`): within one transaction the answer could
only change through the session's own writes, and on SQLite a transaction reads one snapshot anyway.
On PostgreSQL another transaction's commit can land meanwhile; the request then keeps the token it
started with, as it would if the commit had come a moment later.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from sqlalchemy import Select, event, func, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from peoplealign.store.models import AppSetting, Base, Charter

COUNTER_KEY = "data_version"
# The audit trail grows with every read and user accounts are not aggregated: neither is data here.
_IGNORED = frozenset({"audit_event", "user_account"})
_MEMO_KEY = "peoplealign.data_version"


@functools.cache
def _statement() -> Select[Any]:
    """Built once: constructing seventy sub-queries costs more than running them."""
    parts = []
    for name, table in sorted(Base.metadata.tables.items()):
        if name in _IGNORED or "id" not in table.c or not table.c.id.primary_key:
            continue
        # One sub-query per bound: SQLite answers each from the index, but not both in one scan.
        parts.append(select(func.min(table.c.id)).scalar_subquery())
        parts.append(select(func.max(table.c.id)).scalar_subquery())
    parts.append(select(func.max(Charter.id)).where(Charter.status == "active").scalar_subquery())
    parts.append(select(AppSetting.value).where(AppSetting.key == COUNTER_KEY).scalar_subquery())
    return select(*parts)


def data_version(session: Session) -> str:
    """The token for the data the session sees now (its own uncommitted writes included)."""
    pending = session.new or session.dirty or session.deleted
    if not pending and _MEMO_KEY in session.info:
        return str(session.info[_MEMO_KEY])
    row = session.execute(_statement()).one()
    token = hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:32]
    session.info[_MEMO_KEY] = token
    return token


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_MEMO_KEY, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state: ORMExecuteState) -> None:
    """Statements that change rows outside the unit of work (bulk inserts, updates, deletes)."""
    if not state.is_select:
        state.session.info.pop(_MEMO_KEY, None)


def touch(session: Session) -> None:
    """Say that data changed in place (an update that adds no row): cached aggregates are dropped."""
    current = session.get(AppSetting, COUNTER_KEY)
    if current is None:
        session.add(AppSetting(key=COUNTER_KEY, value={"changes": 1}))
        return
    session.execute(
        update(AppSetting)
        .where(AppSetting.key == COUNTER_KEY)
        .values(value={"changes": int(current.value.get("changes", 0)) + 1}),
        execution_options={"synchronize_session": False},
    )
    session.expire(current)
