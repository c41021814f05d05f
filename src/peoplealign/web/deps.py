"""FastAPI dependencies: one database session per request, the signed-in actor, view checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import CharterDocument, active_charter
from peoplealign.store.engine import unit_of_work
from peoplealign.store.models import User
from peoplealign.web.charter_rules import views_for_roles
from peoplealign.web.problems import AccessDenied, LoginRequired
from peoplealign.web.sessions import claim


def get_session(request: Request) -> Iterator[Session]:
    """Commits when the endpoint returns normally, before the response is sent. A page (GET) appends
    its audit events at that commit, so concurrent pages do not queue on the audit chain's lock."""
    with unit_of_work(request.app.state.session_factory) as session:
        if request.method == "GET":
            audit.defer_until_commit(session)
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]


def current_user(request: Request, session: DbSession) -> User:
    """The signed-in, still active user whose session has not been revoked by a logout."""
    signed_in = claim(request)
    user = session.get(User, signed_in.user_id) if signed_in else None
    if user is None or signed_in is None or not user.is_active or signed_in.version != user.session_version:
        request.session.clear()
        raise LoginRequired()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def current_charter(session: DbSession) -> CharterDocument:
    """The charter in force for this request (FastAPI resolves it once per request)."""
    return active_charter(session)


CurrentCharter = Annotated[CharterDocument, Depends(current_charter)]


def current_actor(request: Request, user: CurrentUser, charter: CurrentCharter) -> Actor:
    """Also leaves the actor and the views the charter opens to them for the layout to render."""
    actor = Actor.from_user(user)
    request.state.actor = actor
    request.state.views = views_for_roles(charter, actor.roles)
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require_view(view: str) -> Callable[..., Actor]:
    """A dependency that lets through only actors whose roles the charter allows to open `view`."""

    def check(actor: CurrentActor, charter: CurrentCharter) -> Actor:
        if view not in views_for_roles(charter, actor.roles):
            raise AccessDenied(
                "The People Alignment Charter does not give your roles access to this page. "
                "If you need it for your work, ask an administrator."
            )
        return actor

    return check
