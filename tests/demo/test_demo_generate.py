"""Generating and storing the demo: determinism, refusal and replacement, the CLI, PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.demo import build_demo, generate_demo
from peoplealign.demo.stories import SETTING_KEY
from peoplealign.errors import InvalidInputError, PeopleAlignError
from peoplealign.policy import audit
from peoplealign.store.engine import get_engine, session_scope
from peoplealign.store.models import AuditEvent, Base, Person

SMALL = 250
AS_OF = dt.date(2026, 11, 16)
VOLATILE = {"created_at", "updated_at", "password_hash"}  # clock time and per-run salts
AUDIT_TRAIL = {"audit_event", "app_setting"}  # the generation is audited with clock time and hashes


def content_hash(url: str) -> str:
    digest = hashlib.sha256()
    with get_engine(url).connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in AUDIT_TRAIL:
                continue
            columns = [c for c in table.c if c.name not in VOLATILE]
            rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            digest.update(table.name.encode())
            digest.update(json.dumps([list(r) for r in rows], default=str).encode())
    return digest.hexdigest()


def test_same_seed_and_as_of_give_the_same_organisation(tmp_path):
    urls = [f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db")]
    for url in urls:
        generate_demo(url, employees=SMALL, seed=3, as_of=AS_OF)
    assert content_hash(urls[0]) == content_hash(urls[1])
    people = dict(build_demo(SMALL, 3, AS_OF).tables)["person"]
    other = dict(build_demo(SMALL, 4, AS_OF).tables)["person"]
    assert people["name"] != other["name"], "another seed is another organisation"


def test_refuses_a_database_with_people_unless_replacing(demo_url):
    with get_engine(demo_url).connect() as conn:
        before = conn.scalar(select(func.count()).select_from(Person))
    with pytest.raises(PeopleAlignError, match="--replace"):
        generate_demo(demo_url, employees=SMALL, seed=1, as_of=AS_OF)
    summary = generate_demo(demo_url, employees=SMALL, seed=1, as_of=AS_OF, replace=True)
    with get_engine(demo_url).connect() as conn:
        after = conn.scalar(select(func.count()).select_from(Person))
        settings = Base.metadata.tables["app_setting"]
        stories = conn.execute(select(settings.c.value).where(settings.c.key == SETTING_KEY)).scalars().all()
    assert before > after == summary.people
    assert summary.employees == SMALL
    assert [s["seed"] for s in stories] == [1]


def test_too_few_employees_is_a_clear_error(sqlite_url):
    with pytest.raises(InvalidInputError, match="--employees"):
        generate_demo(sqlite_url, employees=100, as_of=AS_OF)


def test_cli_builds_the_demo_and_prints_the_logins(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["demo", "--employees", str(SMALL), "--seed", "5", "--as-of", "2026-11-16", "--db", url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    for role in ("executive", "hr_partner", "analyst", "manager", "employee", "admin"):
        assert f"{role}@demo.peoplealign.example" in result.output
    assert "peoplealign-demo" in result.output and "WARNING" in result.output
    again = CliRunner().invoke(app, [*args, "--format", "json"])
    assert again.exit_code == 1 and "--replace" in again.output


def test_cli_json_output(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["demo", "--employees", str(SMALL), "--as-of", "2026-11-16", "--db", url, "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["employees"] == SMALL and payload["counts"]["person"] == payload["people"]
    assert payload["stories"]["as_of"] == "2026-11-16"
    assert {login["email"] for login in payload["logins"]} >= {"admin@demo.peoplealign.example"}


def test_generates_on_every_backend_and_leaves_ids_usable(db_url):
    summary = generate_demo(db_url, employees=SMALL, seed=2, as_of=AS_OF)
    with get_engine(db_url).begin() as conn:
        assert conn.scalar(select(func.count()).select_from(Person)) == summary.people
        new_id = conn.execute(
            insert(Person).values(hris_id="NEW-1", name="New Starter").returning(Person.id)
        ).scalar_one()
    assert new_id == summary.people + 1


def test_generation_is_audited_and_the_chain_verifies(demo_url):
    with session_scope(demo_url) as session:
        actions = session.scalars(select(AuditEvent.action)).all()
        assert actions == ["demo.generate"]
        assert audit.verify(session).ok
