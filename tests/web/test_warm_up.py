"""The background warm-up computes the organisation-wide dashboards once per data version, reading
as the audited system actor, and stays idle (no reads, no audit events) while nothing changed; after
a write it warms only the pages that read the written table. What it warms is what the first reader's
view needs: that view computes nothing new, yet its reads are audited as the reader's."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import threading
import weakref
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from web_helpers import sign_in

from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.listening.ingest import ingest_comments
from peoplealign.listening.scorer import CommentScorer
from peoplealign.policy import audit, data_version, snapshots
from peoplealign.policy.actor import Actor
from peoplealign.store.engine import dispose_all, session_factory, session_scope
from peoplealign.store.models import AuditEvent, CheckIn, Person
from peoplealign.web import warm_up as warm_up_module
from peoplealign.web.app import create_app
from peoplealign.web.warm_up import WARM_UP_JOB, WARMERS, Warmed, settle_heap, warm_up


def _warm_up_reads(url: str) -> int:
    return _events(url, f"system:{WARM_UP_JOB}")


def _events(url: str, actor: str, outcome: str | None = None) -> int:
    with session_scope(url) as s:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == actor)
        if outcome is not None:
            query = query.where(AuditEvent.outcome == outcome)
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


@pytest.fixture(scope="module")
def _scored_template(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its comments scored (the listening pages have themes to show), scored once."""
    path = tmp_path_factory.mktemp("warm-up") / "scored.db"
    shutil.copyfile(demo_db_file, path)
    with session_scope(f"sqlite:///{path}") as session:
        ingest_comments(session, CommentScorer())
    dispose_all()
    return path


@pytest.fixture
def scored_url(_scored_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "scored.db"
    shutil.copyfile(_scored_template, path)
    return f"sqlite:///{path}"


def _counting_computations(monkeypatch: pytest.MonkeyPatch) -> list[Hashable]:
    """Patch `snapshots.cached` to note the key of every snapshot computed rather than found."""
    computed: list[Hashable] = []
    original = snapshots.cached

    def counting(session: Any, key: Hashable, compute: Callable[[], Any]) -> Any:
        def noted() -> Any:
            computed.append(key)
            return compute()

        return original(session, key, noted)

    monkeypatch.setattr(snapshots, "cached", counting)
    return computed


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("executive", "/alignment"),
        ("analyst", "/listening"),
        ("analyst", "/listening/survey"),
        ("analyst", "/listening/topics"),
    ],
)
def test_after_a_warm_up_the_first_view_computes_nothing_yet_is_audited(
    scored_url: str, role: str, page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(scored_url)
    computed = _counting_computations(monkeypatch)
    warm_up(app.state.session_factory, Warmed())
    assert computed, "the pass computed the organisation's figures"
    assert _events(scored_url, f"system:{WARM_UP_JOB}", "denied") == 0, "no warmer is refused"
    email = f"{role}@demo.peoplealign.example"
    with TestClient(app, base_url="https://testserver") as client:
        sign_in(client, email, DEMO_PASSWORD)
        computed.clear()
        before = _events(scored_url, email)
        response = client.get(page)
        assert response.status_code == 200 and "empty-state" not in response.text
        assert computed == [], "the first view finds what the warm-up computed"
        assert _events(scored_url, email) > before, "a cached answer is still an audited read"
        with session_scope(scored_url) as s:
            data_version.touch(s)
        assert client.get(page).status_code == 200
        assert computed, "a new data version is computed afresh"


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


def test_a_warmer_holds_no_audit_lock_while_it_computes(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its reads are appended to the trail at commit, as a page's are: a page view in the same
    process appends its own events meanwhile instead of waiting seconds for the warmer."""
    appended: list[bool] = []

    def warmer(session: Session, actor: Actor, _: object) -> None:
        audit.record(session, actor, "read_aggregate", "hris")

        def page_view() -> None:
            with session_scope(sqlite_url) as s:
                audit.record(s, "page@example.org", "read_aggregate", "survey")
            appended.append(True)

        other = threading.Thread(target=page_view)
        other.start()
        other.join(10)
        assert appended, "a page view appended its event while the warmer computed"

    monkeypatch.setattr(warm_up_module, "WARMERS", {"page": warmer})
    warm_up(session_factory(sqlite_url), Warmed())
    with session_scope(sqlite_url) as s:
        assert audit.verify(s).ok
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 2
