"""The audit trail: an append-only, hash-chained log of every read of personal data and every change.

Each event's hash covers its content and the previous event's hash, so altering, deleting or inserting
any stored row breaks the chain at that row. A chain head kept beside the log (in `app_setting`)
also catches removal of the newest events, which a chain alone cannot see.

Events are written in the caller's transaction, so a change that is rolled back leaves no event;
denials are written in a transaction of their own so they survive the caller's rollback. Whom each
event is about is indexed beside it (`audit_event_subject`, derived data outside the hash) for the
access logs of `policy.access_log`.

Walking the whole chain costs time in proportion to its length, and every page view lengthens it, so
it is not walked on every view of the trail (`chain_status`, what the audit page shows): a full
verification (`verify_fully`: `peoplealign audit verify`, the page's button, the web app's daily
scheduled job and the first view of a database that has none on record) is remembered with the
chain's head at the time, and a view checks only what came after the newest event already verified,
by that full verification or by an earlier view in any process (`VERIFIED_SINCE_KEY`). What that
incremental check does and does not see is said at `chain_status`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Row, Select, Table, event, func, insert, select, text, update
from sqlalchemy.orm import Session, SessionTransaction

from peoplealign.errors import InvalidInputError
from peoplealign.policy.actor import Actor
from peoplealign.store.engine import database_of
from peoplealign.store.models import AppSetting, AuditEvent, AuditEventSubject

GENESIS_HASH = hashlib.sha256(b"peoplealign audit chain genesis").hexdigest()
CHAIN_HEAD_KEY = "audit.chain_head"
VERIFIED_KEY = "audit.verified"
VERIFIED_SINCE_KEY = "audit.verified_since"
OUTCOMES = ("allowed", "denied", "changed", "error")

# Any constant works; it only has to be the same for every writer of one database.
_PG_CHAIN_LOCK = 7_318_442_019
_STATE_KEY = "peoplealign.audit.chain_state"
_HOOKED_KEY = "peoplealign.audit.hooked"
_DEFER_KEY = "peoplealign.audit.deferred"
_PROGRESS_KEY = "peoplealign.audit.progress"
_VERIFY_BATCH = 2000
_EVENT_COLUMNS = (
    "occurred_at",
    "actor",
    "action",
    "resource",
    "subject",
    "purpose",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
)
_LOCAL_LOCK_KEY = "peoplealign.audit.local_lock"
_LOCAL_APPENDERS: dict[str, threading.Lock] = {}
_LOCAL_APPENDERS_GUARD = threading.Lock()
SUBJECT_LENGTH = 64  # audit_event_subject.subject
# Core rather than the ORM bulk path: a list read indexes thousands of rows, none needed as objects.
_SUBJECTS = cast(Table, AuditEventSubject.__table__)


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
    _hook(session)  # first: it releases what is taken next, even if taking the database's lock fails
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
    else:
        _queue_behind_local_appenders(session)
        session.execute(text("UPDATE audit_event SET id = id WHERE 1 = 0"))
    head = _read_head(session)
    transaction = session.get_transaction()
    assert transaction is not None
    state = _ChainState(transaction, int(head.get("count", 0)), head.get("last_id"))
    session.info[_STATE_KEY] = state
    return state


def _hook(session: Session) -> None:
    if not session.info.get(_HOOKED_KEY):
        event.listen(session, "before_commit", _write_head)
        event.listen(session, "after_transaction_end", _after_transaction_end)
        session.info[_HOOKED_KEY] = True


def _last_event(session: Session) -> Row[Any] | None:
    return session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()


def _queue_behind_local_appenders(session: Session) -> None:
    """On SQLite, wait for this process's other appenders on a lock of our own before asking for the
    database's write lock.

    SQLite makes a writer that finds the database locked sleep and retry, at intervals growing to
    100 ms, while the holder, one of many request threads sharing the GIL, may need several scheduling
    rounds to reach its commit. With 8 concurrent clients on the 5,000-person demo this cut the slowest
    of 48 views of home, town hall and the access log from 0.5-1.3 s to 0.2-0.5 s.
    Threads waiting here are woken the moment the holder's transaction ends; other processes still meet
    at SQLite's lock. A transaction that already holds SQLite's write lock (it wrote data before its
    first event) skips the queue: it must never wait for a thread that is itself waiting for it."""
    if session.connection().connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        return
    database = database_of(session)
    with _LOCAL_APPENDERS_GUARD:
        lock = _LOCAL_APPENDERS.setdefault(database, threading.Lock())
    lock.acquire()
    session.info[_LOCAL_LOCK_KEY] = lock


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """A savepoint may have rolled back our newest events: read the newest hash again next time.
    The end of the whole transaction lets this process's next appender in."""
    state = _chain_state(session)
    if state is not None and transaction.nested:
        state.last_hash = None
    if transaction.parent is None:
        lock: threading.Lock | None = session.info.pop(_LOCAL_LOCK_KEY, None)
        if lock is not None:
            lock.release()


def _write_head(session: Session) -> None:
    """At commit, under the chain lock: the chain head, and how far a view verified the chain."""
    state = _chain_state(session)
    if state is None:
        if not session.info.get(_DEFER_KEY):  # deferred events are appended next and come back here
            _save_progress(session)
        return
    last = _last_event(session)
    if last is None:
        return
    appended = select(func.count()).select_from(AuditEvent)
    if state.head_last_id is not None:
        appended = appended.where(AuditEvent.id > state.head_last_id)
    added = int(session.execute(appended).scalar() or 0)
    _put_setting(
        session,
        CHAIN_HEAD_KEY,
        {"last_id": last.id, "last_hash": last.hash, "count": state.head_count + added},
    )
    _save_progress(session)
    session.info.pop(_STATE_KEY, None)


def _put_setting(session: Session, key: str, value: dict[str, Any]) -> None:
    """Core statements, not the ORM: the chain head is written inside commit listeners."""
    changed = session.execute(
        update(AppSetting)
        .where(AppSetting.key == key)
        .values(value=value, updated_at=dt.datetime.now(dt.UTC)),
        execution_options={"synchronize_session": False},
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        session.execute(insert(AppSetting).values(key=key, value=value, updated_at=dt.datetime.now(dt.UTC)))


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
    values = []
    for row in rows:
        row.prev_hash = state.last_hash
        row.hash = _hash_of(row)
        state.last_hash = row.hash
        values.append({column: getattr(row, column) for column in _EVENT_COLUMNS})
    # One multi-row insert, not the unit of work: a page that releases fifty quotes appends fifty
    # events, and flushing them one object at a time was a quarter of that page's time.
    inserted = session.execute(
        insert(AuditEvent).returning(AuditEvent.id, sort_by_parameter_order=True), values
    ).scalars()
    about: list[dict[str, Any]] = []
    for row, event_id in zip(rows, inserted, strict=True):
        row.id = event_id
        about.extend({"subject": s, "event_id": event_id} for s in subjects_of(row.subject, row.detail))
    if about:
        session.execute(insert(_SUBJECTS), about)


def subjects_of(subject: str | None, detail: Mapping[str, Any]) -> set[str]:
    """Whom an event is about: its subject and, for a read of many records at once, every id its
    detail lists under `subjects` (so a list read shows in each listed person's access log)."""
    listed = detail.get("subjects")
    found = {subject} if subject else set()
    if isinstance(listed, list):
        found.update(str(s) for s in listed if s is not None and s != "")
    # Longer than any HRIS id the column holds: not a person's id, and nobody's access log asks for it.
    return {s for s in found if len(s) <= SUBJECT_LENGTH}


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


def _iter_events(session: Session, after_id: int | None) -> Iterator[Row[Any]]:
    """Plain rows in batches: a long log never fills the caller's identity map."""
    table = AuditEvent.__table__
    last_id = after_id
    while True:
        stmt = select(table).order_by(table.c.id).limit(_VERIFY_BATCH)
        if last_id is not None:
            stmt = stmt.where(table.c.id > last_id)
        batch = list(session.execute(stmt))
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


@dataclass(frozen=True)
class Link:
    """A verified event the next one must chain from: the newest of the first `count` events (none and
    the genesis hash for an empty chain)."""

    last_id: int | None
    last_hash: str
    count: int


GENESIS = Link(None, GENESIS_HASH, 0)


def _walk(session: Session, start: Link) -> Link | VerifyResult:
    """Check every event after `start`: the newest verified one, or the first that does not fit."""
    link = start
    for row in _iter_events(session, start.last_id):
        if row.prev_hash != link.last_hash:
            return VerifyResult(
                False,
                link.count,
                row.id,
                "its prev_hash does not match the event before it: an event was deleted or inserted "
                "before it, or its prev_hash was altered",
            )
        if _hash_of(row) != row.hash:
            return VerifyResult(
                False, link.count, row.id, "its content does not match its hash: it was altered"
            )
        link = Link(row.id, row.hash, link.count + 1)
    return link


def _check(session: Session, start: Link) -> tuple[VerifyResult, Link]:
    """Walk on from `start` and hold the end against the chain head.

    The head is committed with the events it counts, so a head ahead of the walk's end may only mean
    that events were committed after the walk's last read: walk on, and call them missing only when a
    walk after reading the head finds nothing more."""
    link = start
    walked = _walk(session, link)
    while True:
        if isinstance(walked, VerifyResult):
            return walked, link
        link = walked
        head = _read_head(session)
        if not head or (head.get("last_id") or 0) <= (link.last_id or 0):
            break
        walked = _walk(session, link)
        if not isinstance(walked, VerifyResult) and walked.count == link.count:
            break
    if not head:
        if link.last_id is None:
            return VerifyResult(True, 0), link
        return VerifyResult(False, link.count, link.last_id, "the chain head record is missing"), link
    if link.last_id is None or link.last_hash != head.get("last_hash") or link.count != head.get("count"):
        return VerifyResult(
            False,
            link.count,
            head.get("last_id"),
            f"the chain head records {head.get('count')} events ending at event "
            f"{head.get('last_id')}, but the log holds {link.count} ending at "
            f"{link.last_id or 'nothing'}: the newest events were deleted or events were appended "
            "outside peoplealign",
        ), link
    return VerifyResult(True, link.count), link


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the genesis and name the first event that does not fit."""
    return _check(session, GENESIS)[0]


@dataclass(frozen=True)
class FullVerification:
    """The last walk of the whole chain, as remembered in `app_setting`; `head` is where the chain
    ended when it held (None when it did not)."""

    verified_at: dt.datetime
    result: VerifyResult
    head: Link | None

    def as_setting(self) -> dict[str, Any]:
        return {
            "verified_at": canonical_time(self.verified_at),
            "result": self.result.as_dict(),
            "head": None if self.head is None else self.head.__dict__,
        }

    @classmethod
    def from_setting(cls, value: Mapping[str, Any]) -> FullVerification:
        head = value.get("head")
        return cls(
            dt.datetime.strptime(value["verified_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC),
            VerifyResult(**value["result"]),
            None if head is None else Link(**head),
        )


def verify_fully(session: Session) -> FullVerification:
    """`verify` and remember its outcome (in the caller's transaction) for `chain_status`: a broken
    chain stays reported broken until a full verification finds it whole again."""
    result, link = _check(session, GENESIS)
    full = FullVerification(dt.datetime.now(dt.UTC), result, link if result.ok else None)
    _put_setting(session, VERIFIED_KEY, full.as_setting())
    return full


def last_full_verification(session: Session) -> FullVerification | None:
    value = session.execute(select(AppSetting.value).where(AppSetting.key == VERIFIED_KEY)).scalar()
    return None if value is None else FullVerification.from_setting(value)


@dataclass(frozen=True)
class ChainStatus:
    """What a view of the trail can say of the chain: the last full verification, and whether the
    events after it chain on from it (`result`, its count the whole chain's; `checked_now` of them
    were checked by this view, the others by earlier views, in this process or another)."""

    full: FullVerification
    result: VerifyResult
    checked_now: int

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def newer_events(self) -> int:
        """Events verified incrementally, after the last full verification."""
        return self.result.events_checked - (self.full.head.count if self.full.head else 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.result.as_dict(),
            "fully_verified_at": canonical_time(self.full.verified_at),
            "fully_verified_events": self.full.result.events_checked,
            "checked_now": self.checked_now,
        }


@dataclass(frozen=True)
class _Progress:
    """The newest event views have verified since the full verification made at `full_at` (its
    canonical time, which names it), as kept in `app_setting` under `VERIFIED_SINCE_KEY`."""

    full_at: str
    link: Link

    def as_setting(self) -> dict[str, Any]:
        return {"full_verified_at": self.full_at, **self.link.__dict__}

    @classmethod
    def from_setting(cls, value: Mapping[str, Any]) -> _Progress:
        return cls(value["full_verified_at"], Link(value["last_id"], value["last_hash"], value["count"]))


def _stored_progress(session: Session) -> _Progress | None:
    value = session.execute(select(AppSetting.value).where(AppSetting.key == VERIFIED_SINCE_KEY)).scalar()
    return None if value is None else _Progress.from_setting(value)


def chain_status(session: Session) -> ChainStatus:
    """The chain's state for a view of the trail without walking all of it.

    A full verification checks every event's hash and link from the genesis to the chain head. This
    check starts from the newest event already verified (by the last full verification or by an
    earlier view since, in any process: each successful check is stored at its commit) and makes sure
    that event still carries the hash it was verified with, that every newer event chains from it and
    matches its own hash, and that the chain head agrees. It therefore catches any alteration,
    insertion or deletion among the newer events and the deletion of the newest ones. It does NOT look
    at the older events: one of them altered, deleted or inserted is found by the next full
    verification, at the latest a day later by the web app's scheduled job, or at once with
    `peoplealign audit verify` or the audit page's button. Without a full verification on record, one
    runs now.

    The stored progress is exactly as trustworthy as the stored full verification: both are rows of
    the database the events are in, and whoever can rewrite the events can rewrite either. A check
    that fails stores nothing; what a view stores extends only the full verification in force when
    it commits, and only a longer stretch of it replaces a shorter one."""
    full = last_full_verification(session)
    if full is None:
        full = verify_fully(session)
        return ChainStatus(full, full.result, full.result.events_checked)
    if full.head is None:
        return ChainStatus(full, full.result, 0)
    full_at = canonical_time(full.verified_at)
    stored = _stored_progress(session)
    start = stored.link if stored is not None and stored.full_at == full_at else full.head
    result, link = _check_anchor(session, start) or _check(session, start)
    if result.ok and link.count > start.count:
        session.info[_PROGRESS_KEY] = _Progress(full_at, link)
        _hook(session)
    return ChainStatus(full, result, link.count - start.count)


def _save_progress(session: Session) -> None:
    """Store how far this transaction's views verified the chain, at its commit, under the chain lock
    (which every writer of the progress holds, so of concurrent views the furthest one stays)."""
    pending: _Progress | None = session.info.pop(_PROGRESS_KEY, None)
    if pending is None:
        return
    _lock_chain(session)
    full = last_full_verification(session)
    if full is None or canonical_time(full.verified_at) != pending.full_at:
        return  # a newer full verification took over, which later views start from
    stored = _stored_progress(session)
    if stored is None or stored.full_at != pending.full_at or stored.link.count < pending.link.count:
        _put_setting(session, VERIFIED_SINCE_KEY, pending.as_setting())


def _check_anchor(session: Session, start: Link) -> tuple[VerifyResult, Link] | None:
    """None when the verified event `start` still carries the hash it was verified with."""
    if start.last_id is None:
        return None
    stored = session.execute(select(AuditEvent.hash).where(AuditEvent.id == start.last_id)).scalar()
    if stored == start.last_hash:
        return None
    return VerifyResult(
        False, start.count - 1, start.last_id, "it was verified earlier but has since been altered or deleted"
    ), start


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
