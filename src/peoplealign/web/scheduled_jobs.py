"""Work the web app does on its own while it runs: enforcing retention once a day, so nothing outlives
the charter's retention period by more than a day without anyone having to remember a cron job; and
verifying the whole audit chain once a day (shortly after start-up, then daily), so the audit page,
which checks only the events after the last full verification, never relies on one older than a day.

Jobs run in a worker thread (they are plain blocking database work) on a fixed interval; a failed
run is logged and the next one still happens. On shutdown a run in progress finishes first, so the
database is never disposed under it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.retention import RetentionReport, enforce_retention

# uvicorn's server log: what `peoplealign serve` shows on its console.
logger = logging.getLogger("uvicorn.error")

DAY_SECONDS = 24 * 60 * 60
FIRST_RUN_DELAY_SECONDS = 60.0
RETENTION_JOB = "retention"
AUDIT_VERIFY_JOB = "audit-verify"


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    run: Callable[[], Any]
    first_delay: float = FIRST_RUN_DELAY_SECONDS
    interval: float = DAY_SECONDS


def run_retention(sessions: sessionmaker[Session]) -> RetentionReport:
    """One retention run as the system actor, committed and audited; returns what it did."""
    with sessions() as session:
        report = enforce_retention(session, Actor.system(RETENTION_JOB))
        session.commit()
    changed = ", ".join(f"{s.source} {s.total}" for s in report.sources if s.total) or "nothing was due"
    logger.info("retention: %d rows deleted or anonymised (%s)", report.total, changed)
    return report


def retention_job(sessions: sessionmaker[Session]) -> ScheduledJob:
    return ScheduledJob(RETENTION_JOB, lambda: run_retention(sessions))


def run_audit_verification(sessions: sessionmaker[Session]) -> audit.FullVerification:
    """One full walk of the audit chain, remembered for the audit page (`audit.verify_fully`)."""
    with sessions() as session:
        full = audit.verify_fully(session)
        session.commit()
    result = full.result
    if result.ok:
        logger.info("audit chain intact: %d events verified", result.events_checked)
    else:
        logger.error("audit chain broken at event %s: %s", result.first_broken_id, result.reason)
    return full


def audit_verify_job(sessions: sessionmaker[Session]) -> ScheduledJob:
    return ScheduledJob(AUDIT_VERIFY_JOB, lambda: run_audit_verification(sessions))


async def repeat(job: ScheduledJob) -> None:
    """Run `job` after its first delay, then every interval, until cancelled."""
    delay = job.first_delay
    while True:
        await asyncio.sleep(delay)
        delay = job.interval
        running = asyncio.ensure_future(asyncio.to_thread(job.run))
        try:
            await asyncio.shield(running)
        except asyncio.CancelledError:
            await asyncio.wait([running])
            raise
        except Exception:
            logger.exception("scheduled job %s failed; it runs again in %.0f seconds", job.name, delay)


@asynccontextmanager
async def running(jobs: Sequence[ScheduledJob]) -> AsyncIterator[list[asyncio.Task[None]]]:
    """Jobs repeat in the background for as long as the context is open (the app's lifespan)."""
    tasks = [asyncio.create_task(repeat(job), name=f"peoplealign:{job.name}") for job in jobs]
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
