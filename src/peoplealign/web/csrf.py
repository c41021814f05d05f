"""Cross-site request forgery protection: every state-changing request must echo a per-session
token that another site cannot read. Forms carry it in a hidden `csrf_token` field (the
`csrf_field()` macro); htmx and API calls send it in the `X-CSRF-Token` header."""

from __future__ import annotations

import secrets

from fastapi import Request

from peoplealign.web.problems import CsrfRejected

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_token(request: Request) -> str:
    """This session's token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def rotate_csrf_token(request: Request) -> str:
    request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return str(request.session[SESSION_KEY])


async def verify_csrf(request: Request) -> None:
    """App-wide dependency: reject unsafe methods whose token is missing or wrong."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        field = (await request.form()).get(FORM_FIELD)
        sent = field if isinstance(field, str) else None
    if not (isinstance(expected, str) and sent and secrets.compare_digest(expected, sent)):
        raise CsrfRejected()
