"""Deferred audit events (what web pages use): appended in order at commit, dropped on rollback, and
the chain lock is not held while the transaction is still reading, so other appenders go ahead; on
SQLite this process's appenders queue on a lock of their own instead of polling SQLite's."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from peoplealign.policy import audit
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, OrgUnit


def _events(url: str) -> list[tuple[str, str]]:
    with session_scope(url) as s:
        return [(e.actor, e.resource) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_deferred_events_are_appended_at_commit_after_others_that_committed_first(db_url: str) -> None:
    with session_scope(db_url) as page:
        audit.defer_until_commit(page)
        audit.record(page, "page@example.org", "read_aggregate", "survey")
        audit.record(page, "page@example.org", "read_aggregate", "hris")
        assert _events(db_url) == [], "nothing is written before the commit"
        # Another transaction appends meanwhile: it would wait for the page's lock if one were held.
        with session_scope(db_url) as other:
            audit.record(other, "other@example.org", "read_aggregate", "comments")
    assert _events(db_url) == [
        ("other@example.org", "comments"),
        ("page@example.org", "survey"),
        ("page@example.org", "hris"),
    ]
    with session_scope(db_url) as s:
        report = audit.verify(s)
        assert report.ok and report.events_checked == 3


def test_deferred_events_roll_back_with_their_transaction(db_url: str) -> None:
    session_factory = session_scope(db_url)
    with session_factory as page:
        audit.defer_until_commit(page)
        audit.record(page, "page@example.org", "read_aggregate", "survey")
        page.rollback()
        audit.record(page, "page@example.org", "read_aggregate", "hris")
    assert _events(db_url) == [("page@example.org", "hris")]
    with session_scope(db_url) as s:
        assert audit.verify(s).ok


def _local_lock_held(url: str) -> bool:
    lock = audit._LOCAL_APPENDERS.get(url)
    return lock is not None and lock.locked()


def test_this_processs_appender_queue_is_left_open_however_the_transaction_ends(sqlite_url: str) -> None:
    with session_scope(sqlite_url) as page:
        audit.defer_until_commit(page)
        audit.record(page, "page@example.org", "read_aggregate", "survey")
    assert not _local_lock_held(sqlite_url)
    with session_scope(sqlite_url) as cli:
        audit.record(cli, "cli@example.org", "read_aggregate", "survey")
        assert _local_lock_held(sqlite_url), "an undeferred event holds the queue until its transaction ends"
        cli.rollback()
    assert not _local_lock_held(sqlite_url)
    assert _events(sqlite_url) == [("page@example.org", "survey")]


def test_a_writer_that_holds_sqlites_lock_never_waits_on_a_page_queued_for_it(sqlite_url: str) -> None:
    """The page takes this process's queue and then waits for SQLite's write lock, which the writer
    holds; the writer's own event must not queue behind the page, or both would wait until
    SQLite's busy timeout gave up."""
    writer_holds_lock = threading.Event()
    page_queued = threading.Event()
    failures: list[BaseException] = []

    def page() -> None:
        try:
            writer_holds_lock.wait(10)
            with session_scope(sqlite_url) as s:
                audit.defer_until_commit(s)
                audit.record(s, "page@example.org", "read_aggregate", "survey")
                page_queued.set()
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    thread = threading.Thread(target=page)
    thread.start()
    with session_scope(sqlite_url) as writer:
        writer.add(OrgUnit(code="W", name="Written first", kind="company"))
        writer.flush()  # SQLite's write lock is now this transaction's
        writer_holds_lock.set()
        page_queued.wait(10)
        started = time.monotonic()
        audit.record(writer, "writer@example.org", "changed", "org_unit")
    assert time.monotonic() - started < 5
    thread.join(30)
    assert not failures and not thread.is_alive()
    assert sorted(_events(sqlite_url)) == [("page@example.org", "survey"), ("writer@example.org", "org_unit")]
    with session_scope(sqlite_url) as s:
        assert audit.verify(s).ok
