"""Views of the trail check only the events after the last full verification: what that catches,
what only the next full verification catches, and the subject index the access logs read."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.audit import (
    chain_status,
    last_full_verification,
    record,
    verify,
    verify_fully,
)
from peoplealign.store.engine import get_engine, session_scope
from peoplealign.store.migrate import alembic_config, upgrade
from peoplealign.store.models import AuditEventSubject

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
