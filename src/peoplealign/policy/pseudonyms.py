"""Keyed pseudonyms for people who must be counted but never named.

A town-hall topic unlocks once enough different people have written to it, so the count has to tell
one writer posting ten times from ten writers, without storing who wrote what. Each post keeps an
HMAC of (topic, writer) under a random key that never leaves this installation's database (as
survey respondents' keys do): the same person on the same topic gives the same pseudonym, while
pseudonyms on different topics cannot be linked to each other, nor to anyone without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peoplealign.errors import PermissionDeniedError
from peoplealign.policy.actor import Actor
from peoplealign.store.models import AppSetting

KEY_SETTING = "writer_pseudonym_key"


def _key(session: Session) -> bytes:
    """This installation's key, created on first use; a concurrent first use keeps the stored one."""
    stored = session.scalar(select(AppSetting.value).where(AppSetting.key == KEY_SETTING))
    if stored is not None:
        return bytes.fromhex(stored["key"])
    key = secrets.token_bytes(32)
    try:
        with session.begin_nested():
            session.add(AppSetting(key=KEY_SETTING, value={"key": key.hex()}))
    except IntegrityError:
        return _key(session)
    return key


def writer_key(session: Session, actor: Actor, topic: str) -> str:
    """The actor's pseudonym on this topic: their person when they have one (so two logins of one
    person count once), else their login."""
    if actor.person_id is not None:
        identity = f"person:{actor.person_id}"
    elif actor.user_id is not None and not actor.is_system:
        identity = f"user:{actor.user_id}"
    else:
        raise PermissionDeniedError("only a signed-in person can write to the town hall")
    return hmac.new(_key(session), f"{topic}\x00{identity}".encode(), hashlib.sha256).hexdigest()
