"""Inventory of what cached aggregates read, on the demo. Every table a computation's statements
name reaches the session's record of reads (no way round it that a cached answer would miss), and the
dashboards' aggregates depend on none of the tables that interactive work writes (check-ins, workshop
votes and reviews, decisions, town-hall posts, corrections, recommendation actions), so such a write
leaves them cached; only the aggregates of that work itself (the recommendation queue) follow it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from peoplealign.demo.names import EMAIL_DOMAIN
from peoplealign.demo.users import DEMO_PASSWORD
from peoplealign.policy import data_version, snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import active_charter
from peoplealign.store.engine import get_engine, session_factory
from peoplealign.store.models import Base
from peoplealign.web.app import create_app
from peoplealign.web.warm_up import WARM_UP_JOB, WARMERS

INTERACTIVE = frozenset(
    {
        "check_in",
        "metric_review",
        "workshop",
        "workshop_participant",
        "decision",
        "town_hall_post",
        "correction_request",
        "recommendation",
    }
)
# Aggregates of interactive work itself, which must show each write at once.
ABOUT = {"recommendation_names": frozenset({"recommendation"})}
NOT_DATA = frozenset({"audit_event", "audit_event_subject", "user_account"})
PAGES = ("/", "/metrics", "/town-hall", "/wellbeing", "/listening")
PERSONAS = ("employee", "manager", "hr_partner", "analyst", "executive")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@pytest.fixture
def cold(demo_url: str) -> Iterator[str]:
    snapshots.clear()
    yield demo_url
    snapshots.clear()


def test_every_table_a_computation_queries_is_recorded(cold: str) -> None:
    """The statements as the database gets them, against the session's record of its reads."""
    queried: set[str] = set()

    def record(_conn: Any, _cursor: Any, sql: str, _params: Any, context: Any, _many: bool) -> None:
        if context.compiled is None or context.compiled.statement is not data_version._statement():
            queried.update({w.lower() for w in WORD.findall(sql)} & Base.metadata.tables.keys())

    engine = get_engine(cold)
    event.listen(engine, "before_cursor_execute", record)
    try:
        sessions = session_factory(cold)
        actor = Actor.system(WARM_UP_JOB)
        for page, warmer in WARMERS.items():
            queried.clear()
            with sessions() as session:
                warmer(session, actor, active_charter(session))
                recorded = data_version.reads(session)
                session.rollback()
            assert queried - NOT_DATA <= recorded, page
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _signed_in(url: str, persona: str) -> TestClient:
    client = TestClient(create_app(url, secure_cookies=False), base_url="http://127.0.0.1")
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert found is not None
    form = {"email": f"{persona}@{EMAIL_DOMAIN}", "password": DEMO_PASSWORD, "csrf_token": found[1]}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    return client


def test_no_dashboard_aggregate_depends_on_interactive_writes(cold: str) -> None:
    for persona in PERSONAS:
        client = _signed_in(cold, persona)
        for page in PAGES:
            assert client.get(page).status_code in {200, 403}
    depends = {}
    for (_, key), entry in snapshots._entries.items():
        name = key[0] if isinstance(key, tuple) else key
        depends[name] = depends.get(name, frozenset()) | (entry.tables & INTERACTIVE) - ABOUT.get(name, set())
    assert depends and not any(depends.values()), {k: t for k, t in depends.items() if t}
