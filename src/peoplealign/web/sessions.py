"""What the signed session cookie holds: the user id and the user's session version (bumped on
logout, which makes every older cookie worthless) plus the CSRF token. Nothing else about the
user goes in it, so a cookie never outlives a change to their account."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from peoplealign.store.models import User
from peoplealign.web.csrf import rotate_csrf_token

COOKIE_NAME = "peoplealign_session"
MAX_AGE_SECONDS = 8 * 60 * 60  # one working day; signing in again after that is cheap
USER_KEY = "uid"
VERSION_KEY = "ver"


@dataclass(frozen=True)
class SessionClaim:
    user_id: int
    version: int


def claim(request: Request) -> SessionClaim | None:
    user_id, version = request.session.get(USER_KEY), request.session.get(VERSION_KEY)
    if isinstance(user_id, int) and isinstance(version, int):
        return SessionClaim(user_id, version)
    return None


def start(request: Request, user: User) -> None:
    """A fresh session for a fresh login: nothing from before it (including its token) survives."""
    request.session.clear()
    request.session[USER_KEY] = user.id
    request.session[VERSION_KEY] = user.session_version
    rotate_csrf_token(request)


def end(request: Request, user: User) -> None:
    user.session_version += 1
    request.session.clear()
