"""Views of the trail check only the events after the newest one already verified, by the last full
verification or by an earlier view in any process: what that catches, what only the next full
verification catches, and the subject index the access logs read."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.audit import (
    VERIFIED_SINCE_KEY,
    ChainStatus,
    canonical_time,
    chain_status,
    defer_until_commit,
    last_full_verification,
    record,
    verify,
    verify_fully,
)
from peoplealign.store.engine import dispose_all, get_engine, session_scope
from peoplealign.store.migrate import alembic_config, upgrade
from peoplealign.store.models import AppSetting, AuditEventSubject

HR = Actor(email="hr@example.org", roles=frozenset({"hr_partner"}))


def _seed(url: str, n: int, start: int = 0) -> list[int]:
    with session_scope(url) as s:
        return [
            record(s, HR, "read_individual", "hris", subject=f"P{i}", purpose="development").id
            for i in range(start, start + n)
        ]


def _execute(url: str, sql: str, **params: object) -> None:
    with get_engine(url).begin() as conn:
        conn.execute(text(sql), params)


def _fully_verified(url: str) -> None:
    with session_scope(url) as s:
        assert verify_fully(s).result.ok


def test_without_a_full_verification_on_record_a_view_runs_one_and_remembers_it(db_url: str) -> None:
    _seed(db_url, 3)
    with session_scope(db_url) as s:
        assert last_full_verification(s) is None
        status = chain_status(s)
    assert status.ok and status.checked_now == 3 and status.newer_events == 0
    with session_scope(db_url) as s:
        full = last_full_verification(s)
    assert full is not None and full.result.events_checked == 3 and full.head is not None
    assert full.verified_at == status.full.verified_at


def test_a_view_checks_only_the_events_after_the_last_one_it_verified(db_url: str) -> None:
    _seed(db_url, 4)
    _fully_verified(db_url)
    _seed(db_url, 2, start=4)
    with session_scope(db_url) as s:
        first = chain_status(s)
    assert first.ok and first.result.events_checked == 6
    assert (first.newer_events, first.checked_now) == (2, 2)
    _seed(db_url, 1, start=6)
    with session_scope(db_url) as s:
        second = chain_status(s)
    assert second.ok and (second.newer_events, second.checked_now) == (3, 1)


def test_a_new_event_that_does_not_chain_from_the_verified_head_is_caught_by_a_view(db_url: str) -> None:
    _seed(db_url, 3)
    _fully_verified(db_url)
    newer = _seed(db_url, 2, start=3)
    _execute(db_url, "UPDATE audit_event SET prev_hash = :h WHERE id = :id", h="0" * 64, id=newer[0])
    with session_scope(db_url) as s:
        status = chain_status(s)
    assert not status.ok and status.result.first_broken_id == newer[0]
    assert "prev_hash" in (status.result.reason or "")


def test_an_altered_newer_event_and_a_removed_newest_one_are_caught_by_a_view(db_url: str) -> None:
    _seed(db_url, 2)
    _fully_verified(db_url)
    newer = _seed(db_url, 3, start=2)
    _execute(db_url, "UPDATE audit_event SET actor = 'mallory@example.org' WHERE id = :id", id=newer[1])
    with session_scope(db_url) as s:
        assert chain_status(s).result.first_broken_id == newer[1]
    _execute(db_url, "DELETE FROM audit_event WHERE id >= :id", id=newer[1])
    with session_scope(db_url) as s:
        status = chain_status(s)
    assert not status.ok and "newest events were deleted" in (status.result.reason or "")


def test_the_verified_head_itself_altered_is_caught_by_a_view(db_url: str) -> None:
    ids = _seed(db_url, 3)
    _fully_verified(db_url)
    _execute(db_url, "UPDATE audit_event SET hash = :h WHERE id = :id", h="f" * 64, id=ids[-1])
    with session_scope(db_url) as s:
        status = chain_status(s)
    assert not status.ok and status.result.first_broken_id == ids[-1]


def test_an_old_row_altered_is_caught_by_the_next_full_verification_not_by_a_view(db_url: str) -> None:
    ids = _seed(db_url, 4)
    _fully_verified(db_url)
    _execute(db_url, "UPDATE audit_event SET purpose = 'curiosity' WHERE id = :id", id=ids[1])
    _seed(db_url, 1, start=4)
    with session_scope(db_url) as s:
        assert chain_status(s).ok, "documented: a view does not re-read events a full verification checked"
    with session_scope(db_url) as s:
        full = verify_fully(s)
    assert not full.result.ok and full.result.first_broken_id == ids[1] and full.head is None
    with session_scope(db_url) as s:
        status = chain_status(s)
    assert not status.ok and status.result.first_broken_id == ids[1], "a failed full verification sticks"


def test_subjects_are_indexed_with_the_event_and_outside_its_hash(db_url: str) -> None:
    with session_scope(db_url) as s:
        one = record(s, HR, "read_individual", "hris", subject="P1", detail={"subjects": ["P1", "P2"]})
        many = record(s, HR, "read_individual", "hris", detail={"subjects": ["P3", "P4"], "note": "P5"})
        none = record(s, HR, "read_aggregate", "survey", detail={"cells": 3})
        ids = (one.id, many.id, none.id)
    with session_scope(db_url) as s:
        rows = s.execute(select(AuditEventSubject.event_id, AuditEventSubject.subject)).all()
        assert verify(s).ok
    assert sorted(rows) == [(ids[0], "P1"), (ids[0], "P2"), (ids[1], "P3"), (ids[1], "P4")]
    with session_scope(db_url) as s:
        record(s, HR, "read_individual", "hris", subject="P9")
        s.rollback()
    with session_scope(db_url) as s:
        assert s.scalar(select(AuditEventSubject.event_id).where(AuditEventSubject.subject == "P9")) is None


def test_the_migration_indexes_the_events_already_in_the_trail(db_url: str) -> None:
    with session_scope(db_url) as s:
        first = record(s, HR, "read_individual", "hris", subject="P1")
        listed = record(s, HR, "read_individual", "hris", detail={"subjects": ["P1", "P2"]})
        expected = sorted([(first.id, "P1"), (listed.id, "P1"), (listed.id, "P2")])
    command.downgrade(alembic_config(db_url), "0002")
    upgrade(db_url)
    with session_scope(db_url) as s:
        rows = s.execute(select(AuditEventSubject.event_id, AuditEventSubject.subject)).all()
        assert verify(s).ok
    assert sorted(rows) == expected


def test_events_committed_while_the_chain_is_walked_are_not_taken_for_tampering(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(db_url, 2)
    real_head = audit._read_head
    appended: list[int] = []

    def head_after_another_append(session: Session) -> dict[str, Any]:
        if not appended:
            appended.append(0)  # the append below reads the head too
            appended.extend(_seed(db_url, 1, start=2))  # another writer commits after the walk's last read
        return real_head(session)

    with session_scope(db_url) as s:
        monkeypatch.setattr(audit, "_read_head", head_after_another_append)
        result = verify(s)
    assert len(appended) == 2 and result.ok and result.events_checked == 3


def _view(url: str) -> ChainStatus:
    """What the audit page does: check the chain, then record the reading, committed together."""
    with session_scope(url) as s:
        defer_until_commit(s)
        status = chain_status(s)
        record(s, HR, "audit.read", "audit", purpose="audit_review")
    return status


def _stored_count(url: str) -> int:
    with session_scope(url) as s:
        value = s.scalar(select(AppSetting.value).where(AppSetting.key == VERIFIED_SINCE_KEY))
    assert value is not None
    return int(value["count"])


def test_a_new_process_starts_from_the_link_a_view_in_another_one_stored(db_url: str) -> None:
    _seed(db_url, 4)
    _fully_verified(db_url)
    _seed(db_url, 2, start=4)
    first = _view(db_url)
    assert first.ok and first.checked_now == 2 and _stored_count(db_url) == 6
    _seed(db_url, 3, start=6)
    dispose_all()  # a new process: nothing of the last one but the database
    second = _view(db_url)
    assert second.ok and second.checked_now == 1 + 3  # the first view's reading and the three since
    assert second.newer_events == 2 + 1 + 3 and second.result.events_checked == 10
    assert _stored_count(db_url) == 10


def test_events_tampered_with_after_the_stored_link_are_caught_and_the_link_stays(db_url: str) -> None:
    _seed(db_url, 3)
    _fully_verified(db_url)
    _seed(db_url, 1, start=3)
    _view(db_url)
    stored = _stored_count(db_url)
    newer = _seed(db_url, 3, start=4)
    _execute(db_url, "UPDATE audit_event SET subject = 'P99' WHERE id = :id", id=newer[1])
    dispose_all()
    status = _view(db_url)
    assert not status.ok and status.result.first_broken_id == newer[1]
    assert _stored_count(db_url) == stored, "a failed check never moves the link"
    with session_scope(db_url) as s:
        link_id = s.scalar(select(AppSetting.value).where(AppSetting.key == VERIFIED_SINCE_KEY))["last_id"]
    _execute(db_url, "UPDATE audit_event SET hash = :h WHERE id = :id", h="e" * 64, id=link_id)
    dispose_all()
    status = _view(db_url)
    assert not status.ok and status.result.first_broken_id == link_id
    assert "verified earlier" in (status.result.reason or "")


def test_the_stored_link_never_moves_backwards(db_url: str) -> None:
    _seed(db_url, 2)
    _fully_verified(db_url)
    _seed(db_url, 2, start=2)
    with session_scope(db_url) as slow:
        defer_until_commit(slow)
        assert chain_status(slow).result.events_checked == 4
        record(slow, HR, "audit.read", "audit", purpose="audit_review")
        _seed(db_url, 2, start=4)
        assert _view(db_url).result.events_checked == 6  # a later view commits first
        assert _stored_count(db_url) == 6
    assert _stored_count(db_url) == 6, "the slower view verified less and leaves the further link"
    with session_scope(db_url) as stale:
        defer_until_commit(stale)
        assert chain_status(stale).ok
        record(stale, HR, "audit.read", "audit", purpose="audit_review")
        _seed(db_url, 1, start=6)
        _fully_verified(db_url)
    with session_scope(db_url) as s:
        full = last_full_verification(s)
        stored = s.scalar(select(AppSetting.value).where(AppSetting.key == VERIFIED_SINCE_KEY))
    assert full is not None and stored["full_verified_at"] != canonical_time(full.verified_at)
    assert stored["count"] == 6, "a link of an older full verification is not stored over it"
    status = _view(db_url)
    assert status.ok and status.full.verified_at == full.verified_at and status.checked_now == 1
