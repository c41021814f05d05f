"""Password hashing with argon2id (OWASP's first choice), so a stolen database does not leak logins."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the same time as a real check so response timing does not reveal which emails exist."""
    verify_password(_dummy_hash(), "not-the-password")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("peoplealign-timing-equaliser")
