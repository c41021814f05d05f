"""The schema is created by migrations alone, matches the models, and round-trips on every backend."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.util.exc import CommandError
from sqlalchemy import inspect, select

from peoplealign.store.engine import get_engine, session_scope
from peoplealign.store.migrate import alembic_config, upgrade
from peoplealign.store.models import Base, OrgUnit, Person, ProtectedAttribute


def test_migrations_create_every_model_table(db_url: str) -> None:
    tables = set(inspect(get_engine(db_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_models_and_migrations_agree(db_url: str) -> None:
    try:
        command.check(alembic_config(db_url))
    except CommandError as exc:  # pragma: no cover - the message is the useful part
        raise AssertionError(f"models drifted from migrations: {exc}") from exc


def test_upgrade_is_idempotent(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)


def test_person_round_trip_with_manager_and_protected_attribute(db_url: str) -> None:
    with session_scope(db_url) as s:
        unit = OrgUnit(code="ENG", name="Engineering", kind="department")
        s.add(unit)
        s.flush()
        boss = Person(hris_id="E1", name="Ada", org_unit_id=unit.id, hire_date=dt.date(2020, 1, 6))
        s.add(boss)
        s.flush()
        s.add(Person(hris_id="E2", name="Grace", manager_id=boss.id, org_unit_id=unit.id))
        s.add(ProtectedAttribute(person_id=boss.id, attribute="gender", value="female"))
    with session_scope(db_url) as s:
        grace = s.scalar(select(Person).where(Person.hris_id == "E2"))
        assert grace is not None and grace.manager is not None
        assert grace.manager.name == "Ada"
        assert grace.org_unit is not None and grace.org_unit.code == "ENG"
