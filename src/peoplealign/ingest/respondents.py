"""Survey respondents stay confidential: only an HMAC of their id is stored, keyed with a random salt
that never leaves this installation's database, so the same person maps to the same key across
surveys (needed for trends) without the id ever being stored in clear."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from sqlalchemy import Connection, insert, select

from peoplealign.store.models import AppSetting

SALT_SETTING = "respondent_salt"


def respondent_salt(conn: Connection) -> bytes:
    """This installation's salt, created on first use."""
    stored = conn.execute(select(AppSetting.value).where(AppSetting.key == SALT_SETTING)).scalar_one_or_none()
    if stored is not None:
        return bytes.fromhex(stored["salt"])
    salt = secrets.token_bytes(32)
    conn.execute(insert(AppSetting), {"key": SALT_SETTING, "value": {"salt": salt.hex()}})
    return salt


def respondent_keys(salt: bytes, respondent_ids: Iterable[str]) -> list[str]:
    """The keyed hash of each id; the keyed state is set up once and copied, which is most of the cost
    of a fresh HMAC when there are a hundred thousand respondents."""
    keyed = hmac.new(salt, digestmod=hashlib.sha256)
    keys = []
    for respondent_id in respondent_ids:
        one = keyed.copy()
        one.update(respondent_id.strip().encode("utf-8"))
        keys.append(one.hexdigest())
    return keys
