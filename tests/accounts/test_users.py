"""Accounts: argon2 hashes, role validation and authentication on every backend."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from peoplealign.accounts.roles import parse_roles
from peoplealign.accounts.users import add_user, authenticate
from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Person, User


def test_passwords_are_stored_as_argon2_hashes(db_url: str) -> None:
    with session_scope(db_url) as s:
        add_user(s, "Ana@Example.org", "correct horse battery", "analyst")
    with session_scope(db_url) as s:
        user = s.scalar(select(User))
        assert user is not None
        assert user.email == "ana@example.org"
        assert user.password_hash.startswith("$argon2id$")
        assert "correct horse" not in user.password_hash
        assert user.roles == ["employee", "analyst"]


def test_authenticate_accepts_right_password_only(db_url: str) -> None:
    with session_scope(db_url) as s:
        add_user(s, "ana@example.org", "correct horse battery", "employee")
    with session_scope(db_url) as s:
        assert authenticate(s, "ANA@example.org", "correct horse battery") is not None
        assert authenticate(s, "ana@example.org", "wrong password!") is None
        assert authenticate(s, "nobody@example.org", "correct horse battery") is None


def test_user_links_to_person_by_hris_id(db_url: str) -> None:
    with session_scope(db_url) as s:
        s.add(Person(hris_id="E100", name="Ana Silva"))
        s.flush()
        user = add_user(s, "ana@example.org", "correct horse battery", "manager", person_hris_id="E100")
        assert user.person is not None and user.person.name == "Ana Silva"
        with pytest.raises(NotFoundError, match="E999"):
            add_user(s, "bob@example.org", "correct horse battery", "employee", person_hris_id="E999")


def test_duplicate_email_short_password_and_bad_roles_are_refused(db_url: str) -> None:
    with session_scope(db_url) as s:
        add_user(s, "ana@example.org", "correct horse battery", "employee")
        with pytest.raises(InvalidInputError, match="already exists"):
            add_user(s, "ANA@example.org", "correct horse battery", "employee")
        with pytest.raises(InvalidInputError, match="at least"):
            add_user(s, "bob@example.org", "short", "employee")
    with pytest.raises(InvalidInputError, match="superuser"):
        parse_roles("manager,superuser")
