"""Creating, finding and authenticating users; plain functions over a session so the CLI, web and
demo share one implementation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.accounts.passwords import dummy_verify, hash_password, verify_password
from peoplealign.accounts.roles import parse_roles
from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.store.models import Person, User

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise InvalidInputError(f"{email!r} is not an email address")
    return email


def add_user(
    session: Session,
    email: str,
    password: str,
    roles: str | list[str],
    *,
    person_hris_id: str | None = None,
    display_name: str | None = None,
) -> User:
    email = normalise_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    role_list = parse_roles(roles if isinstance(roles, str) else ",".join(roles))
    if session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise InvalidInputError(f"a user with email {email} already exists")
    person_id = None
    if person_hris_id is not None:
        person_id = session.scalar(select(Person.id).where(Person.hris_id == person_hris_id))
        if person_id is None:
            raise NotFoundError(f"no person with HRIS id {person_hris_id!r}")
    user = User(
        email=email,
        password_hash=hash_password(password),
        roles=role_list,
        person_id=person_id,
        display_name=display_name,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user if the password matches an active account; the same work is done either way."""
    user = find_user(session, email)
    if user is None or not user.is_active:
        dummy_verify()
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = dt.datetime.now(dt.UTC)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
