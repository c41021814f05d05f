"""`peoplealign up`: the README's main job, minus the long-running web server."""

from __future__ import annotations

from sqlalchemy import func, select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.policy import audit
from peoplealign.policy.charter import active_charter
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Charter, Person

runner = CliRunner()


def test_up_on_an_empty_database_builds_the_demo_and_approves_the_charter(sqlite_url: str) -> None:
    result = runner.invoke(app, ["up", "--no-serve", "--employees", "250", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/" in result.stdout
    assert "executive@demo.peoplealign.example" in result.stdout
    assert "Password for every demo login: peoplealign-demo" in result.stdout
    with session_scope(sqlite_url) as s:
        assert (s.scalar(select(func.count()).select_from(Person)) or 0) >= 250
        assert active_charter(s).version == 1
        assert audit.verify(s).ok


def test_up_is_safe_to_repeat(demo_url: str) -> None:
    first = runner.invoke(app, ["up", "--no-serve", "--db", demo_url])
    second = runner.invoke(app, ["up", "--no-serve", "--db", demo_url])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "Charter version 1 approved" in first.stdout
    assert "approved" not in second.stdout
    with session_scope(demo_url) as s:
        assert s.scalar(select(func.count()).select_from(Charter)) == 1
        assert audit.verify(s).ok


def test_up_leaves_a_real_organisation_alone(sqlite_url: str) -> None:
    with session_scope(sqlite_url) as s:
        s.add(Person(hris_id="E1", name="Real Person"))
    result = runner.invoke(app, ["up", "--no-serve", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert "demo.peoplealign.example" not in result.stdout
    with session_scope(sqlite_url) as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 1
        assert s.scalar(select(func.count()).select_from(Charter)) == 0
