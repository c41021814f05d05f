"""Schema management through Alembic, so SQLite and PostgreSQL follow the same migration history."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from peoplealign.store.engine import get_engine, resolve_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", resolve_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> None:
    """Bring the database to the newest schema; a no-op when it is already there."""
    command.upgrade(alembic_config(url), "head")


def is_initialised(url: str | None = None) -> bool:
    return inspect(get_engine(url)).has_table("alembic_version")
