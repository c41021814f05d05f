"""Deferred audit events (what web pages use): appended in order at commit, dropped on rollback, and
the chain lock is not held while the transaction is still reading, so other appenders go ahead."""

from __future__ import annotations

from sqlalchemy import select

from peoplealign.policy import audit
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent


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
