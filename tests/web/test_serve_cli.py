"""`peoplealign serve` migrates the database, says where it listens and hands the app to its workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.web import workers


def test_serve_migrates_and_runs_uvicorn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(workers, "serve", lambda factory, **kw: calls.append({"factory": factory, **kw}))
    for variable in (workers.URL_VARIABLE, workers.INSECURE_COOKIES_VARIABLE):
        monkeypatch.setenv(variable, "")  # restored after the test: serve sets them for its workers
    url = f"sqlite:///{tmp_path / 'served.db'}"
    result = CliRunner().invoke(app, ["serve", "--db", url, "--port", "8123", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert calls == [{"factory": workers.FACTORY, "host": "127.0.0.1", "port": 8123, "workers": 2}]
    assert isinstance(workers.app_from_environment(), FastAPI), "what each worker builds"
    engine = create_engine(url)
    assert inspect(engine).has_table("user_account")
    engine.dispose()


def test_serve_rejects_a_bad_port() -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code != 0
