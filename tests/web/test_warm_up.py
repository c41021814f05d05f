"""The background warm-up computes the organisation-wide dashboards once per data version, reading
as the audited system actor, and stays idle (no reads, no audit events) while nothing changed; after
a write it warms only the pages that read the written table."""

from __future__ import annotations

import datetime as dt
import gc
import weakref

from sqlalchemy import func, select

from peoplealign.policy import data_version
from peoplealign.store.engine import session_factory, session_scope
from peoplealign.store.models import AuditEvent, CheckIn, Person
from peoplealign.web.app import create_app
from peoplealign.web.warm_up import WARM_UP_JOB, WARMERS, Warmed, settle_heap, warm_up


def _warm_up_reads(url: str) -> int:
    with session_scope(url) as s:
        query = (
            select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == f"system:{WARM_UP_JOB}")
        )
        return int(s.scalar(query) or 0)


def test_warm_up_reads_once_per_data_version_and_is_audited(demo_url: str) -> None:
    sessions = session_factory(demo_url)
    warmed = Warmed()
    warm_up(sessions, warmed)
    first = _warm_up_reads(demo_url)
    assert first > 0 and set(warmed.pages) == set(WARMERS)
    warm_up(sessions, warmed)
    assert _warm_up_reads(demo_url) == first, "same data: nothing read again"
    with session_scope(demo_url) as s:
        data_version.touch(s)
    warm_up(sessions, warmed)
    assert _warm_up_reads(demo_url) > first


def test_warm_up_rereads_only_the_pages_whose_tables_changed(demo_url: str) -> None:
    sessions = session_factory(demo_url)
    warmed = Warmed()
    warm_up(sessions, warmed)
    first = _warm_up_reads(demo_url)
    with session_scope(demo_url) as s:
        manager, employee = s.execute(
            select(Person.manager_id, Person.id).where(Person.manager_id.is_not(None)).limit(1)
        ).one()
        s.add(CheckIn(manager_person_id=manager, employee_person_id=employee, held_on=dt.date.today()))
    with session_scope(demo_url) as s:
        due = {page for page in WARMERS if warmed.due(page, data_version.versions(s))}
    assert due == {page for page, (read, _) in warmed.pages.items() if "check_in" in read}
    warm_up(sessions, warmed)
    assert (_warm_up_reads(demo_url) > first) == bool(due)
    with session_scope(demo_url) as s:
        s.scalars(select(Person).limit(1)).one().job_title = "Moved"
    warm_up(sessions, warmed)
    assert not any(warmed.due(page, _versions(demo_url)) for page in WARMERS)


def _versions(url: str) -> data_version.Versions:
    with session_scope(url) as s:
        return data_version.versions(s)


def test_served_apps_warm_up_and_test_apps_do_not(demo_url: str) -> None:
    names = [job.name for job in create_app(demo_url, run_scheduled_jobs=True).state.scheduled_jobs]
    assert WARM_UP_JOB in names
    assert create_app(demo_url).state.scheduled_jobs == ()


class _Node:
    """An object in a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_what_a_pass_cached_is_frozen_and_a_later_pass_reclaims_dropped_cycles() -> None:
    try:
        node = _Node()
        alive = weakref.ref(node)
        assert settle_heap() > 0
        assert not any(obj is node for obj in gc.get_objects()), "frozen: the collector skips it"
        del node
        gc.collect()
        assert alive() is not None, "a frozen cycle is not collected"
        settle_heap()
        assert alive() is None, "the next settle unfreezes and collects it"
    finally:
        gc.unfreeze()
