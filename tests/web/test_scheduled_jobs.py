"""The web app enforces retention and verifies the audit chain daily while it runs, started and
stopped by its lifespan, and only when asked to (tests and embedders leave it off)."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from peoplealign.policy import audit
from peoplealign.policy.retention import ANONYMISED_NAME
from peoplealign.store.engine import session_factory, session_scope
from peoplealign.store.models import AuditEvent, Person
from peoplealign.web.app import create_app
from peoplealign.web.scheduled_jobs import ScheduledJob, repeat, run_audit_verification, run_retention


def test_the_retention_job_anonymises_expired_leavers_as_the_system(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with session_scope(db_url) as s:
        s.add(Person(hris_id="OLD", name="Long Gone", exit_date=dt.date.today() - dt.timedelta(days=4000)))
        s.add(Person(hris_id="NEW", name="Recent Leaver", exit_date=dt.date.today() - dt.timedelta(days=10)))
    with caplog.at_level("INFO", logger="uvicorn.error"):
        report = run_retention(session_factory(db_url))
    assert report.total == 1 and not report.dry_run
    assert "retention: 1 rows deleted or anonymised (hris 1)" in caplog.text
    with session_scope(db_url) as s:
        assert set(s.scalars(select(Person.name))) == {ANONYMISED_NAME, "Recent Leaver"}
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.enforce")).one()
        assert event.actor == "system:retention" and event.detail["total"] == 1
    assert run_retention(session_factory(db_url)).total == 0


def test_the_audit_verify_job_walks_the_whole_chain_and_remembers_it(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with session_scope(db_url) as s:
        audit.record(s, "hr@example.org", "read_individual", "hris", subject="P1")
    with caplog.at_level("INFO", logger="uvicorn.error"):
        full = run_audit_verification(session_factory(db_url))
    assert full.result.ok and "audit chain intact: 1 events verified" in caplog.text
    with session_scope(db_url) as s:
        assert audit.last_full_verification(s) == full


def test_a_job_repeats_survives_failures_and_stops_when_cancelled() -> None:
    runs: list[int] = []

    def job() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the database was busy")

    async def scenario() -> None:
        task = asyncio.create_task(repeat(ScheduledJob("test", job, first_delay=0, interval=0.01)))
        while len(runs) < 3:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(asyncio.wait_for(scenario(), timeout=5))
    assert len(runs) >= 3


def test_shutdown_waits_for_a_run_in_progress() -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def job() -> None:
        started.set()
        release.wait(5)
        finished.set()

    async def scenario() -> None:
        task = asyncio.create_task(repeat(ScheduledJob("slow", job, first_delay=0, interval=60)))
        await asyncio.to_thread(started.wait, 5)
        task.cancel()
        await asyncio.sleep(0.05)
        assert not task.done()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert finished.is_set()

    asyncio.run(asyncio.wait_for(scenario(), timeout=5))


def _retention_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "peoplealign:retention"]


def test_the_lifespan_starts_retention_only_when_asked_and_stops_it(sqlite_url: str) -> None:
    app = create_app(sqlite_url, run_scheduled_jobs=True, warm_caches=False)
    assert [(job.name, job.interval) for job in app.state.scheduled_jobs] == [
        ("retention", 24 * 60 * 60),
        ("audit-verify", 24 * 60 * 60),
    ]
    with TestClient(app, base_url="https://testserver") as client:
        assert client.portal is not None
        tasks = client.portal.call(_retention_tasks)
        assert len(tasks) == 1 and not tasks[0].done()
    assert tasks[0].cancelled()
    with TestClient(create_app(sqlite_url), base_url="https://testserver") as client:
        assert client.portal is not None
        assert client.portal.call(_retention_tasks) == []
