"""`peoplealign audit verify|log`: exit codes and the broken event's id."""

from __future__ import annotations

import json

from sqlalchemy import text
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.policy.audit import last_full_verification, record
from peoplealign.store.engine import get_engine, session_scope

runner = CliRunner()


def test_verify_passes_then_names_the_altered_event(sqlite_url: str) -> None:
    with session_scope(sqlite_url) as s:
        ids = [record(s, "ana@example.org", "read", "person", subject=f"P{i}").id for i in range(4)]
    ok = runner.invoke(app, ["audit", "verify", "--db", sqlite_url])
    assert ok.exit_code == 0 and "4 events verified" in ok.stdout
    with session_scope(sqlite_url) as s:
        remembered = last_full_verification(s)
    assert remembered is not None and remembered.result.events_checked == 4, "the audit page starts from it"
    with get_engine(sqlite_url).begin() as conn:
        conn.execute(text("UPDATE audit_event SET subject = 'P9' WHERE id = :id"), {"id": ids[1]})
    broken = runner.invoke(app, ["audit", "verify", "--db", sqlite_url])
    assert broken.exit_code == 1
    assert f"audit chain broken at event {ids[1]}" in broken.stderr and "altered" in broken.stderr
    as_json = runner.invoke(app, ["audit", "verify", "--db", sqlite_url, "--format", "json"])
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["first_broken_id"] == ids[1]


def test_log_filters_by_subject_and_actor(sqlite_url: str) -> None:
    with session_scope(sqlite_url) as s:
        record(s, "ana@example.org", "read", "person", subject="P1", purpose="development")
        record(s, "bob@example.org", "read", "person", subject="P2")
    result = runner.invoke(app, ["audit", "log", "--subject", "P1", "--db", sqlite_url, "--format", "json"])
    events = json.loads(result.stdout)
    assert result.exit_code == 0 and [(e["actor"], e["purpose"]) for e in events] == [
        ("ana@example.org", "development")
    ]
    result = runner.invoke(app, ["audit", "log", "--actor", "bob@example.org", "--db", sqlite_url])
    assert result.exit_code == 0 and "P2" in result.stdout and "P1" not in result.stdout
