"""The background warm-up computes the organisation-wide dashboards once per data version, reading
as the audited system actor, and stays idle (no reads, no audit events) while nothing changed."""

from __future__ import annotations

from sqlalchemy import func, select

from peoplealign.policy import data_version
from peoplealign.store.engine import session_factory, session_scope
from peoplealign.store.models import AuditEvent
from peoplealign.web.app import create_app
from peoplealign.web.warm_up import WARM_UP_JOB, warm_up


def _warm_up_reads(url: str) -> int:
    with session_scope(url) as s:
        query = (
            select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == f"system:{WARM_UP_JOB}")
        )
        return int(s.scalar(query) or 0)


def test_warm_up_reads_once_per_data_version_and_is_audited(demo_url: str) -> None:
    sessions = session_factory(demo_url)
    last: list[str] = []
    warm_up(sessions, last)
    first = _warm_up_reads(demo_url)
    assert first > 0 and last
    warm_up(sessions, last)
    assert _warm_up_reads(demo_url) == first, "same data: nothing read again"
    with session_scope(demo_url) as s:
        data_version.touch(s)
    warm_up(sessions, last)
    assert _warm_up_reads(demo_url) > first


def test_served_apps_warm_up_and_test_apps_do_not(demo_url: str) -> None:
    names = [job.name for job in create_app(demo_url, run_scheduled_jobs=True).state.scheduled_jobs]
    assert WARM_UP_JOB in names
    assert create_app(demo_url).state.scheduled_jobs == ()
