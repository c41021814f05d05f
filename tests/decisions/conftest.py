"""Fixtures for the decisions tests: the small organisation of `decisions_helpers`, on every backend
for the storage tests (`org`) and as a fast copy of one migrated SQLite file for the rest."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from decisions_helpers import Org, build_org

from peoplealign.store.engine import dispose_all
from peoplealign.store.migrate import upgrade


@pytest.fixture
def org(db_url: str) -> Org:
    return build_org(db_url)


@pytest.fixture(scope="session")
def _org_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Org]:
    path = tmp_path_factory.mktemp("decisions") / "org.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    built = build_org(url)
    dispose_all()
    return path, built


@pytest.fixture
def sqlite_org(_org_template: tuple[Path, Org], tmp_path: Path) -> Org:
    template, built = _org_template
    copy = tmp_path / "org.db"
    shutil.copyfile(template, copy)
    return dataclasses.replace(built, url=f"sqlite:///{copy}")
