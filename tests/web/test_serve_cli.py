"""`peoplealign serve` migrates the database, says where it listens and hands the app to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from peoplealign.cli.app import app


def test_serve_migrates_and_runs_uvicorn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **kw: calls.append({"app": application, **kw}))
    url = f"sqlite:///{tmp_path / 'served.db'}"
    result = CliRunner().invoke(app, ["serve", "--db", url, "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert isinstance(calls[0]["app"], FastAPI)
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 8123)
    engine = create_engine(url)
    assert inspect(engine).has_table("user_account")
    engine.dispose()


def test_serve_rejects_a_bad_port() -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code != 0
