"""Shared fixtures. Storage and policy tests take `db_url`, which runs them on SQLite and, when
PEOPLEALIGN_TEST_POSTGRES_URL is set, on PostgreSQL too (each test in a schema of its own)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from peoplealign.store.engine import dispose_all
from peoplealign.store.migrate import upgrade

POSTGRES_URL = os.environ.get("PEOPLEALIGN_TEST_POSTGRES_URL")
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def _postgres_schema_url(schema: str) -> str:
    assert POSTGRES_URL is not None
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep tests away from the developer's database and secret key."""
    monkeypatch.delenv("PEOPLEALIGN_DB", raising=False)
    monkeypatch.setenv("PEOPLEALIGN_HOME", str(tmp_path / "home"))
    yield
    dispose_all()


def _new_database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_schema_url(schema)
    finally:
        dispose_all()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on every configured backend."""
    for url in _new_database(request.param, tmp_path):
        upgrade(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated, empty SQLite database for tests that are not about storage."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
