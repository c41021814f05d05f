"""The audit trail: an append-only, hash-chained log of every read of personal data and every change.

Each event's hash covers its content and the previous event's hash, so altering, deleting or inserting
any stored row breaks the chain at that row. A chain head kept beside the log (in `app_setting`)
also catches removal of the newest events, which a chain alone cannot see.

Events are written in the caller's transaction, so a change that is rolled back leaves no event;
denials are written in a transaction of their own so they survive the caller's rollback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Select, event, func, insert, select, text, update
from sqlalchemy.orm import Session, SessionTransaction

from peoplealign.errors import InvalidInputError
from peoplealign.policy.actor import Actor
from peoplealign.store.models import AppSetting, AuditEvent

GENESIS_HASH = hashlib.sha256(b"peoplealign audit chain genesis").hexdigest()
CHAIN_HEAD_KEY = "audit.chain_head"
OUTCOMES = ("allowed", "denied", "changed", "error")

# Any constant works; it only has to be the same for every writer of one database.
_PG_CHAIN_LOCK = 7_318_442_019
_STATE_KEY = "peoplealign.audit.chain_state"
_HOOKED_KEY = "peoplealign.audit.hooked"
_DEFER_KEY = "peoplealign.audit.deferred"
_VERIFY_BATCH = 2000


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events_checked: int
    first_broken_id: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events_checked": self.events_checked,
            "first_broken_id": self.first_broken_id,
            "reason": self.reason,
        }


def canonical_time(moment: dt.datetime) -> str:
    """UTC with microseconds: SQLite hands back naive datetimes, PostgreSQL aware ones in the
    session's zone; both must hash to the same text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    occurred_at: dt.datetime,
    actor: str,
    action: str,
    resource: str,
    subject: str | None,
    purpose: str | None,
    outcome: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    payload = {
        "occurred_at": canonical_time(occurred_at),
        "actor": actor,
        "action": action,
        "resource": resource,
        "subject": subject,
        "purpose": purpose,
        "outcome": outcome,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hash_of(row: AuditEvent | Row[Any]) -> str:
    return event_hash(
        occurred_at=row.occurred_at,
        actor=row.actor,
        action=row.action,
        resource=row.resource,
        subject=row.subject,
        purpose=row.purpose,
        outcome=row.outcome,
        detail=row.detail or {},
        prev_hash=row.prev_hash,
    )


def _json_safe(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """What is stored must be exactly what was hashed, whatever types the caller passed."""
    return dict(json.loads(json.dumps(dict(detail or {}), default=str, sort_keys=True)))


def _actor_name(actor: Actor | str) -> str:
    return actor if isinstance(actor, str) else actor.email


@dataclass
class _ChainState:
    """What one transaction holding the chain lock knows: nobody else can append until it ends, so the
    newest hash is remembered instead of read back, and the head is written once, at commit."""

    transaction: SessionTransaction
    head_count: int
    head_last_id: int | None
    last_hash: str | None = None


def _chain_state(session: Session) -> _ChainState | None:
    state: _ChainState | None = session.info.get(_STATE_KEY)
    current = session.get_transaction()
    return state if state is not None and current is not None and state.transaction is current else None


def _read_head(session: Session) -> dict[str, Any]:
    value = session.execute(select(AppSetting.value).where(AppSetting.key == CHAIN_HEAD_KEY)).scalar()
    return dict(value or {})


def _lock_chain(session: Session) -> _ChainState:
    """Serialise appenders so the head read next is the true head.

    PostgreSQL: a transaction-scoped advisory lock. SQLite has no row locks; a write statement is the
    only way to take the database write lock inside a transaction that may not have written yet."""
    state = _chain_state(session)
    if state is not None:
        return state
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
    else:
        session.execute(text("UPDATE audit_event SET id = id WHERE 1 = 0"))
    head = _read_head(session)
    transaction = session.get_transaction()
    assert transaction is not None
    state = _ChainState(transaction, int(head.get("count", 0)), head.get("last_id"))
    session.info[_STATE_KEY] = state
    _hook(session)
    return state


def _hook(session: Session) -> None:
    if not session.info.get(_HOOKED_KEY):
        event.listen(session, "before_commit", _write_head)
        event.listen(session, "after_transaction_end", _forget_after_savepoint)
        session.info[_HOOKED_KEY] = True


def _last_event(session: Session) -> Row[Any] | None:
    return session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()


def _forget_after_savepoint(session: Session, transaction: SessionTransaction) -> None:
    """A savepoint may have rolled back our newest events: read the newest hash again next time."""
    state = _chain_state(session)
    if state is not None and transaction.nested:
        state.last_hash = None


def _write_head(session: Session) -> None:
    state = _chain_state(session)
    if state is None:
        return
    last = _last_event(session)
    if last is None:
        return
    appended = select(func.count()).select_from(AuditEvent)
    if state.head_last_id is not None:
        appended = appended.where(AuditEvent.id > state.head_last_id)
    added = int(session.execute(appended).scalar() or 0)
    value = {"last_id": last.id, "last_hash": last.hash, "count": state.head_count + added}
    changed = session.execute(
        update(AppSetting)
        .where(AppSetting.key == CHAIN_HEAD_KEY)
        .values(value=value, updated_at=dt.datetime.now(dt.UTC)),
        execution_options={"synchronize_session": False},
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        session.execute(
            insert(AppSetting).values(key=CHAIN_HEAD_KEY, value=value, updated_at=dt.datetime.now(dt.UTC))
        )
    session.info.pop(_STATE_KEY, None)


def record(
    session: Session,
    actor: Actor | str,
    action: str,
    resource: str,
    *,
    subject: str | int | None = None,
    purpose: str | None = None,
    outcome: str = "allowed",
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (which then holds the chain until it ends)."""
    if outcome not in OUTCOMES:
        raise InvalidInputError(f"audit outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
    row = AuditEvent(
        occurred_at=dt.datetime.now(dt.UTC),
        actor=_actor_name(actor),
        action=action,
        resource=resource,
        subject=None if subject is None else str(subject),
        purpose=purpose,
        outcome=outcome,
        detail=_json_safe(detail),
    )
    deferred: list[AuditEvent] | None = session.info.get(_DEFER_KEY)
    if deferred is not None:
        if not session.in_transaction():
            session.begin()  # so that a rollback, even before any query, ends it and drops the event
        deferred.append(row)
    else:
        _append(session, [row])
    return row


def _append(session: Session, rows: list[AuditEvent]) -> None:
    state = _lock_chain(session)
    if state.last_hash is None:
        last = _last_event(session)
        state.last_hash = last.hash if last is not None else GENESIS_HASH
    for row in rows:
        row.prev_hash = state.last_hash
        row.hash = _hash_of(row)
        session.add(row)
        state.last_hash = row.hash
    session.flush()


def defer_until_commit(session: Session) -> None:
    """From now on the session's events are appended when its transaction commits, in the order they
    were recorded, and dropped with it on rollback, as before.

    Appending takes the chain lock (one appender at a time keeps the chain a chain), and the lock is
    held until the transaction ends: a page making several audited reads would hold it while it
    computes and renders, and concurrent pages would queue behind each other. Deferred, the lock is
    held only for the appends themselves. For web requests that read; code that reads the trail back
    inside the same transaction must not defer."""
    if session.info.get(_DEFER_KEY) is not None:
        return
    session.info[_DEFER_KEY] = []
    # Every listener is registered now: none may be added while a commit runs its listeners.
    _hook(session)
    event.listen(session, "before_commit", _append_deferred)
    event.listen(session, "after_transaction_end", _drop_deferred)


def _append_deferred(session: Session) -> None:
    rows = session.info.get(_DEFER_KEY)
    if not rows:
        return
    session.info[_DEFER_KEY] = []
    _append(session, rows)
    # The head's own listener ran before this one, when there was nothing to write yet.
    _write_head(session)


def _drop_deferred(session: Session, transaction: SessionTransaction) -> None:
    """A committed transaction has appended its events already; one that ended otherwise drops them.
    A savepoint's end keeps them: reads inside a rolled-back savepoint still happened."""
    if transaction.parent is None and session.info.get(_DEFER_KEY):
        session.info[_DEFER_KEY] = []


def record_on_connection(
    conn: Connection,
    actor: Actor | str,
    action: str,
    resource: str,
    *,
    outcome: str = "changed",
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append from bulk-writing code that holds a Core connection rather than a session. The session
    joins the connection's transaction, so the event and the chain head commit or roll back with it."""
    with Session(bind=conn) as session:
        record(session, actor, action, resource, outcome=outcome, detail=detail)
        session.commit()


def _holds_write_lock(session: Session) -> bool:
    """Whether a separate connection appending now would wait on this session's transaction."""
    if not session.in_transaction():
        return False
    if _chain_state(session) is not None:
        return True
    if session.get_bind().dialect.name == "sqlite":
        return bool(session.connection().connection.driver_connection.in_transaction)  # type: ignore[union-attr]
    return False


def record_denial(
    session: Session,
    actor: Actor | str,
    action: str,
    resource: str,
    *,
    subject: str | int | None = None,
    purpose: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Audit a refused request in a transaction of its own, so the caller's rollback keeps it.

    If the caller's transaction already holds the chain (or SQLite's write lock), writing from a
    second connection now would wait on it forever; the denial is then written the moment that
    transaction ends, whether it commits or rolls back."""
    bind = session.get_bind()

    def write() -> None:
        with Session(bind=bind) as own:
            record(
                own,
                actor,
                action,
                resource,
                subject=subject,
                purpose=purpose,
                outcome="denied",
                detail=detail,
            )
            own.commit()

    if not _holds_write_lock(session):
        write()
        return
    pending: SessionTransaction = session.get_transaction()  # type: ignore[assignment]
    done: list[bool] = []

    def after_end(_session: Session, transaction: SessionTransaction) -> None:
        if transaction is pending and not done:
            done.append(True)
            write()

    event.listen(session, "after_transaction_end", after_end)


def _iter_events(session: Session) -> Iterator[Row[Any]]:
    """Plain rows in batches: a long log never fills the caller's identity map."""
    table = AuditEvent.__table__
    last_id: int | None = None
    while True:
        stmt = select(table).order_by(table.c.id).limit(_VERIFY_BATCH)
        if last_id is not None:
            stmt = stmt.where(table.c.id > last_id)
        batch = list(session.execute(stmt))
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the genesis and name the first event that does not fit."""
    prev_hash = GENESIS_HASH
    checked = 0
    last: tuple[int, str] | None = None
    for row in _iter_events(session):
        if row.prev_hash != prev_hash:
            return VerifyResult(
                False,
                checked,
                row.id,
                "its prev_hash does not match the event before it: an event was deleted or inserted "
                "before it, or its prev_hash was altered",
            )
        if _hash_of(row) != row.hash:
            return VerifyResult(False, checked, row.id, "its content does not match its hash: it was altered")
        checked += 1
        prev_hash = row.hash
        last = (row.id, row.hash)
    head = session.get(AppSetting, CHAIN_HEAD_KEY)
    if head is None:
        if last is None:
            return VerifyResult(True, 0)
        return VerifyResult(False, checked, last[0], "the chain head record is missing")
    expected = head.value
    if last is None or last[1] != expected.get("last_hash") or checked != expected.get("count"):
        return VerifyResult(
            False,
            checked,
            expected.get("last_id"),
            f"the chain head records {expected.get('count')} events ending at event "
            f"{expected.get('last_id')}, but the log holds {checked} ending at "
            f"{last[0] if last else 'nothing'}: the newest events were deleted or events were appended "
            "outside peoplealign",
        )
    return VerifyResult(True, checked)


def query(
    session: Session,
    *,
    subject: str | int | None = None,
    actor: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    """Newest first: a person's access log or one user's actions; `offset` skips the newest."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(_matching(stmt, subject, actor)))


def count(session: Session, *, subject: str | int | None = None, actor: str | None = None) -> int:
    """How many events `query` pages through with the same filters."""
    return int(session.scalar(_matching(select(func.count()).select_from(AuditEvent), subject, actor)) or 0)


def _matching(stmt: Select[Any], subject: str | int | None, actor: str | None) -> Select[Any]:
    if subject is not None:
        stmt = stmt.where(AuditEvent.subject == str(subject))
    if actor is not None:
        stmt = stmt.where(AuditEvent.actor == actor.strip().lower())
    return stmt


def event_as_dict(row: AuditEvent) -> dict[str, Any]:
    return {
        "id": row.id,
        "occurred_at": canonical_time(row.occurred_at),
        "actor": row.actor,
        "action": row.action,
        "resource": row.resource,
        "subject": row.subject,
        "purpose": row.purpose,
        "outcome": row.outcome,
        "detail": row.detail,
        "hash": row.hash,
    }
