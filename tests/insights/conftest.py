"""Fixtures for the insights tests on the shared demo."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from peoplealign.store.engine import dispose_all


@pytest.fixture(scope="module")
def demo(
    demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A writable copy of the demo per test module: the modules write recommendations, and one
    module's must not change what another counts."""
    copy = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2]) / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    yield f"sqlite:///{copy}"
    dispose_all()
