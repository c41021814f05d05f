"""The roles a user can hold; the charter decides what each may see."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    HR_PARTNER = "hr_partner"
    ANALYST = "analyst"
    EXECUTIVE = "executive"
    ADMIN = "admin"


ALL_ROLES: tuple[str, ...] = tuple(r.value for r in Role)


def parse_roles(text: str) -> list[str]:
    """Comma-separated roles, validated, in a stable order, with `employee` always included."""
    from peoplealign.errors import InvalidInputError

    roles = {r.strip().lower() for r in text.split(",") if r.strip()}
    unknown = sorted(roles - set(ALL_ROLES))
    if unknown:
        raise InvalidInputError(
            f"unknown role(s) {', '.join(unknown)}; expected some of {', '.join(ALL_ROLES)}"
        )
    roles.add(Role.EMPLOYEE.value)
    return [r for r in ALL_ROLES if r in roles]
