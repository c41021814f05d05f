"""The signing key is made once, private to its owner, outside the repository."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from peoplealign.errors import PeopleAlignError
from peoplealign.web.secret_key import load_secret_key, secret_key_path

REPO = Path(__file__).resolve().parents[2]


def test_key_file_is_created_with_mode_0600_outside_the_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEOPLEALIGN_SECRET_KEY", raising=False)
    key = load_secret_key()
    path = secret_key_path()
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not path.resolve().is_relative_to(REPO)
    assert len(key) >= 64
    assert load_secret_key() == key


def test_default_home_is_the_user_config_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PEOPLEALIGN_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert secret_key_path() == tmp_path / ".config" / "peoplealign" / "secret_key"


def test_environment_variable_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEOPLEALIGN_SECRET_KEY", "from-the-environment")
    assert load_secret_key() == "from-the-environment"
    assert not secret_key_path().exists()


def test_empty_key_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEOPLEALIGN_SECRET_KEY", raising=False)
    path = secret_key_path()
    path.parent.mkdir(parents=True)
    path.write_text("")
    with pytest.raises(PeopleAlignError, match="is empty; delete it"):
        load_secret_key()
