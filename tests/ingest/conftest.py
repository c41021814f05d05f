"""Fixtures for import tests: files written on demand, and a database holding a small organisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import PEOPLE, UNITS, Writer, run


@pytest.fixture
def write_file(tmp_path: Path) -> Writer:
    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


@pytest.fixture
def org_url(db_url: str, write_file: Writer) -> str:
    """Three org units and four people: E1 manages E2 and E4, E2 manages E3."""
    run("org-units", write_file("seed_units.csv", UNITS), db_url)
    run("people", write_file("seed_people.csv", PEOPLE), db_url)
    return db_url
