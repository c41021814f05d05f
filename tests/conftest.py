"""Shared fixtures. Storage and policy tests take `db_url`, which runs them on SQLite and, when
PEOPLEALIGN_TEST_POSTGRES_URL is set, on PostgreSQL too (each test in a schema of its own)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
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


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per test module and backend, for modules whose tests share it (each
    test leaves it as it found it): migrating costs seconds, the tests themselves milliseconds."""
    for url in _new_database(request.param, tmp_path_factory.mktemp("db")):
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


DEMO_AS_OF = dt.date(2026, 11, 16)


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo (600 employees, seed 7, fixed as-of) built once per test run; pytest-xdist
    workers share it through a file lock in their common temporary folder."""
    from filelock import FileLock

    from peoplealign.demo import generate_demo

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    target = shared / "demo-600-seed7.db"
    with FileLock(str(target) + ".lock"):
        if not target.exists():
            building = shared / "demo-building.db"
            generate_demo(f"sqlite:///{building}", employees=600, seed=7, as_of=DEMO_AS_OF, replace=True)
            dispose_all()
            building.rename(target)
    return target


@pytest.fixture
def demo_url(demo_db_file: Path, tmp_path: Path) -> str:
    """A private, writable copy of the default demo database."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    return f"sqlite:///{copy}"
