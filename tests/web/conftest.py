"""Fixtures for the web tests: a populated database, an app client, a client signed in by role."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from web_helpers import USERS, populate, sign_in

from peoplealign.accounts import passwords
from peoplealign.store.engine import dispose_all
from peoplealign.store.migrate import upgrade
from peoplealign.web.app import create_app

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at production cost takes ~0.5 s a hash here; the web tests need logins, not strength."""
    monkeypatch.setattr(passwords, "_hasher", lambda: FAST_HASHER)


@pytest.fixture(scope="session")
def _org_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate and populate once; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "org.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", lambda: FAST_HASHER)
        url = f"sqlite:///{path}"
        upgrade(url)
        populate(url)
    dispose_all()
    return path


@pytest.fixture
def org_url(_org_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "org.db"
    shutil.copyfile(_org_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def client(org_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(org_url), base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def signed_in(client: TestClient) -> Callable[[str], TestClient]:
    """`signed_in("manager")`: the client, signed in as that role's user."""

    def as_role(role: str) -> TestClient:
        sign_in(client, USERS[role][0])
        return client

    return as_role
