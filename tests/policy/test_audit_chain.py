"""The audit chain holds on every backend and names the first row anyone tampered with."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text

from peoplealign.errors import InvalidInputError
from peoplealign.policy.actor import Actor
from peoplealign.policy.audit import GENESIS_HASH, canonical_time, query, record, record_denial, verify
from peoplealign.store.engine import get_engine, session_scope

ANALYST = Actor(email="ana@example.org", roles=frozenset({"analyst"}))


def _seed(url: str, n: int = 5) -> list[int]:
    ids = []
    with session_scope(url) as s:
        for i in range(n):
            row = record(
                s,
                ANALYST,
                "read",
                "survey_aggregate",
                subject=f"P{i}",
                purpose="survey_reporting",
                detail={"cells": i, "when": "x", "nested": {"b": 1.5, "a": [1, 2]}},
            )
            ids.append(row.id)
    return ids


def _execute(url: str, sql: str, **params: object) -> None:
    with get_engine(url).begin() as conn:
        conn.execute(text(sql), params)


def test_fresh_chain_verifies_and_links_from_genesis(db_url: str) -> None:
    ids = _seed(db_url)
    with session_scope(db_url) as s:
        result = verify(s)
        events = query(s, limit=100)
    assert result.ok and result.events_checked == len(ids)
    assert events[-1].prev_hash == GENESIS_HASH
    assert [e.id for e in events] == sorted(ids, reverse=True)


def test_empty_chain_verifies(db_url: str) -> None:
    with session_scope(db_url) as s:
        assert verify(s).ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "mallory@example.org"),
        ("detail", '{"cells": 99}'),
        ("occurred_at", "2020-01-01 00:00:00"),
        ("hash", "0" * 64),
        ("outcome", "denied"),
    ],
)
def test_altering_any_column_breaks_the_chain_at_that_row(db_url: str, column: str, value: str) -> None:
    ids = _seed(db_url)
    _execute(db_url, f"UPDATE audit_event SET {column} = :v WHERE id = :id", v=value, id=ids[2])
    with session_scope(db_url) as s:
        result = verify(s)
    assert not result.ok
    assert result.first_broken_id == ids[2]
    assert result.events_checked == 2


def test_deleting_a_middle_row_is_named(db_url: str) -> None:
    ids = _seed(db_url)
    _execute(db_url, "DELETE FROM audit_event WHERE id = :id", id=ids[1])
    with session_scope(db_url) as s:
        result = verify(s)
    assert not result.ok and result.first_broken_id == ids[2]


def test_deleting_the_newest_row_is_detected(db_url: str) -> None:
    ids = _seed(db_url)
    _execute(db_url, "DELETE FROM audit_event WHERE id = :id", id=ids[-1])
    with session_scope(db_url) as s:
        result = verify(s)
    assert not result.ok and result.first_broken_id == ids[-1]
    assert "deleted" in (result.reason or "")


def test_inserted_row_is_detected(db_url: str) -> None:
    ids = _seed(db_url)
    with session_scope(db_url) as s:
        last = query(s, limit=1)[0]
    _execute(
        db_url,
        "INSERT INTO audit_event (occurred_at, actor, action, resource, outcome, detail, prev_hash, hash)"
        " VALUES (:t, 'x@example.org', 'read', 'person', 'allowed', '{}', :p, :h)",
        t=last.occurred_at,
        p=last.hash,
        h="f" * 64,
    )
    with session_scope(db_url) as s:
        result = verify(s)
    assert not result.ok and result.first_broken_id is not None and result.first_broken_id > ids[-1]


def test_rolled_back_change_leaves_no_event_but_denial_survives(db_url: str) -> None:
    with pytest.raises(RuntimeError), session_scope(db_url) as s:
        record(s, ANALYST, "update", "person", subject="P1", outcome="changed")
        record_denial(s, ANALYST, "read", "prediction", subject="P1", purpose="development")
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError), session_scope(db_url) as s:
        record_denial(s, ANALYST, "read", "survey_answer", subject="P2", purpose="risk_model")
        raise RuntimeError("boom")
    with session_scope(db_url) as s:
        events = query(s)
        assert [(e.outcome, e.resource) for e in events] == [
            ("denied", "survey_answer"),
            ("denied", "prediction"),
        ]
        assert verify(s).ok


def test_query_filters_by_subject_and_actor(db_url: str) -> None:
    _seed(db_url, 3)
    with session_scope(db_url) as s:
        record(s, "system:retention", "delete", "survey", outcome="changed")
        assert [e.subject for e in query(s, subject="P1")] == ["P1"]
        assert len(query(s, actor="ANA@example.org")) == 3
        assert query(s, actor="system:retention")[0].action == "delete"
        assert len(query(s, limit=2)) == 2


def test_unknown_outcome_is_refused(db_url: str) -> None:
    with pytest.raises(InvalidInputError), session_scope(db_url) as s:
        record(s, ANALYST, "read", "person", outcome="maybe")


def test_concurrent_appenders_keep_one_valid_chain(db_url: str) -> None:
    per_thread, threads = 15, 4
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(per_thread):
                with session_scope(db_url) as s:
                    if n % 2:
                        s.execute(text("SELECT 1"))
                    record(s, f"t{n}@example.org", "read", "person", subject=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    with session_scope(db_url) as s:
        result = verify(s)
    assert result.ok and result.events_checked == per_thread * threads


def test_timestamps_hash_the_same_whatever_zone_the_backend_returns() -> None:
    moment = dt.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=dt.UTC)
    kolkata = moment.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    naive_utc = moment.replace(tzinfo=None)
    assert canonical_time(moment) == canonical_time(kolkata) == canonical_time(naive_utc)
    assert canonical_time(moment) == "2026-03-01T12:30:05.123456Z"


def test_events_rolled_back_with_a_savepoint_leave_the_chain_intact(db_url: str) -> None:
    with session_scope(db_url) as s:
        record(s, ANALYST, "read", "person", subject="A")
        savepoint = s.begin_nested()
        record(s, ANALYST, "read", "person", subject="B")
        savepoint.rollback()
        record(s, ANALYST, "read", "person", subject="C")
    with session_scope(db_url) as s:
        assert [e.subject for e in query(s)] == ["C", "A"]
        result = verify(s)
    assert result.ok and result.events_checked == 2
