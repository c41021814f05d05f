"""Demo logins: one per role, linked to a fitting person, plus one for every manager.

They all share one password, hashed once: this is a demo, and the CLI says so loudly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.accounts.passwords import hash_password
from peoplealign.accounts.roles import Role, parse_roles
from peoplealign.demo.names import EMAIL_DOMAIN
from peoplealign.demo.organisation import Organisation
from peoplealign.demo.timeline import NEVER
from peoplealign.errors import PeopleAlignError
from peoplealign.store.models import User

DEMO_PASSWORD = "peoplealign-demo"  # printed to the user on purpose: demo data only


@dataclass(frozen=True)
class DemoLogin:
    email: str
    roles: tuple[str, ...]
    person_index: int
    name: str
    title: str

    def as_json(self) -> dict[str, Any]:
        return {"email": self.email, "roles": list(self.roles), "name": self.name, "title": self.title}


def role_logins(org: Organisation, anomaly_team_index: int) -> list[DemoLogin]:
    """The six role logins first, then every other current manager under their own email. The
    `manager` login runs the anomaly team, so it is the one asked to explain the anomaly."""
    active = org.exit == NEVER
    manager = int(org.team_manager[anomaly_team_index])
    team_unit = org.team_units[anomaly_team_index]
    member = int(np.flatnonzero(active & (org.unit == team_unit) & ~org.is_manager)[0])
    picks = {
        Role.EXECUTIVE: 0,
        Role.HR_PARTNER: _first_with_role(org, "HR Business Partner"),
        Role.ANALYST: _first_with_role(org, "People Analyst"),
        Role.MANAGER: manager,
        Role.EMPLOYEE: member,
        Role.ADMIN: _first_with_role(org, "IT Systems Administrator"),
    }
    logins = [
        _login(org, f"{role.value}@{EMAIL_DOMAIN}", role.value, person) for role, person in picks.items()
    ]
    linked = set(picks.values())
    for person in np.flatnonzero(active & org.is_manager).tolist():
        if person not in linked:
            logins.append(_login(org, org.email[person], Role.MANAGER.value, person))
    return logins


def user_rows(logins: list[DemoLogin]) -> dict[str, list[Any]]:
    password_hash = hash_password(DEMO_PASSWORD)
    return {
        "id": list(range(1, len(logins) + 1)),
        "email": [login.email for login in logins],
        "display_name": [login.name for login in logins],
        "password_hash": [password_hash] * len(logins),
        "roles": [list(login.roles) for login in logins],
        "person_id": [login.person_index + 1 for login in logins],
        "is_active": [True] * len(logins),
    }


def _login(org: Organisation, email: str, role: str, person: int) -> DemoLogin:
    return DemoLogin(email, tuple(parse_roles(role)), person, org.name[person], org.title[person])


def _first_with_role(org: Organisation, role: str) -> int:
    for i, (r, left) in enumerate(zip(org.role, org.exit.tolist(), strict=True)):
        if r == role and left == NEVER:
            return i
    raise PeopleAlignError(f"the demo organisation has no current {role}")


def role_user(session: Session, role: str) -> User | None:
    """The demo's login for a role; None when the database holds no demo logins."""
    return session.scalar(select(User).where(User.email == f"{role}@{EMAIL_DOMAIN}"))
