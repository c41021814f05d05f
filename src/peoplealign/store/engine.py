"""Where the database is and how to talk to it: one URL, resolved the same way by the CLI, web and tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///./peoplealign.db"
ENV_VAR = "PEOPLEALIGN_DB"


def resolve_url(url: str | None = None) -> str:
    """An explicit `--db` wins, then `PEOPLEALIGN_DB`, then the zero-set-up SQLite file."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked; WAL lets the web app read while an import writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    """One pooled engine per URL for the life of the process."""
    resolved = resolve_url(url)
    if resolved not in _ENGINES:
        _ENGINES[resolved] = _create(resolved)
    return _ENGINES[resolved]


def _create(resolved: str) -> Engine:
    if resolved.startswith("sqlite"):
        engine = create_engine(resolved, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(resolved, pool_pre_ping=True)
    return engine


def database_of(session: Session) -> str:
    """Which database a session works on, for state kept per database in this process (caches,
    locks); without the password."""
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One unit of work: everything in it commits together or not at all."""
    with unit_of_work(session_factory(url)) as session:
        yield session


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Commit on normal exit, roll back on any error; shared by the CLI, jobs and web requests."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_all() -> None:
    """Close every pooled connection; tests and the web app's shutdown call this."""
    for url in list(_ENGINES):
        _ENGINES.pop(url).dispose()
