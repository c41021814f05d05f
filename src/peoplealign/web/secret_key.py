"""The key that signs session cookies. It lives outside the repository and the database, so
neither a leaked checkout nor a leaked backup lets anyone forge a login."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from peoplealign.errors import PeopleAlignError

KEY_ENV_VAR = "PEOPLEALIGN_SECRET_KEY"
HOME_ENV_VAR = "PEOPLEALIGN_HOME"
KEY_FILE_NAME = "secret_key"


def peoplealign_home() -> Path:
    """Per-installation state: `$PEOPLEALIGN_HOME`, else `~/.config/peoplealign`."""
    configured = os.environ.get(HOME_ENV_VAR)
    return Path(configured).expanduser() if configured else Path.home() / ".config" / "peoplealign"


def secret_key_path() -> Path:
    return peoplealign_home() / KEY_FILE_NAME


def load_secret_key() -> str:
    """`$PEOPLEALIGN_SECRET_KEY`, else the key file, which is created (mode 0600) on first run."""
    configured = os.environ.get(KEY_ENV_VAR)
    if configured:
        return configured
    path = secret_key_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process (or an earlier run) made it: use theirs so cookies stay valid.
        return _read_key_file(path)
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def _read_key_file(path: Path) -> str:
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise PeopleAlignError(f"the secret key file {path} is empty; delete it to create a new key")
    return key
