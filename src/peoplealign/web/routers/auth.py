"""Signing in and out, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from peoplealign.accounts.users import authenticate
from peoplealign.web import sessions
from peoplealign.web.deps import CurrentActor, CurrentUser, DbSession
from peoplealign.web.problems import TooManyAttempts
from peoplealign.web.ratelimit import LoginRateLimiter
from peoplealign.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot bounce people to another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", name="login_form", include_in_schema=False)
def login_form(request: Request, next: str | None = None, signed_out: bool = False) -> Response:
    if sessions.claim(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(
        request, "login.html", {"title": "Sign in", "next": _safe_next(next), "signed_out": signed_out}
    )


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    limiter: LoginRateLimiter = request.app.state.login_limiter
    client = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(email, client)
    if wait:
        raise TooManyAttempts(wait)
    user = authenticate(session, email, password)
    if user is None:
        limiter.record_failure(email, client)
        return render(
            request,
            "login.html",
            {
                "title": "Sign in",
                "next": _safe_next(next),
                "email": email,
                "error": "The email or password is not right. Check both and try again.",
            },
            status_code=400,
        )
    limiter.reset(email, client)
    sessions.start(request, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, user: CurrentUser) -> Response:
    """Ends every session of this user, not only this browser's: the cookie version moves on."""
    sessions.end(request, user)
    return RedirectResponse("/login?signed_out=true", status_code=303)


class Me(BaseModel):
    email: str
    display_name: str | None
    roles: list[str]
    person_id: int | None


@router.get("/api/v1/me", tags=["account"])
def me(user: CurrentUser, actor: CurrentActor) -> Me:
    """The signed-in user."""
    return Me(
        email=actor.email, display_name=user.display_name, roles=list(user.roles), person_id=actor.person_id
    )
