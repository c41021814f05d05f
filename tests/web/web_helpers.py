"""Shared by the web tests: a small organisation with one user per role, and signing in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from peoplealign.accounts.users import add_user
from peoplealign.store.engine import session_scope
from peoplealign.store.models import OrgUnit, Person

PASSWORD = "correct horse battery staple"

# Acme (company) > Engineering (Platform 12, Apps 7), Sales (EMEA 9, APAC 3), Legal (3).
TEAMS = {"ENG": {"PLAT": 12, "APPS": 7}, "SAL": {"EMEA": 9, "APAC": 3}, "LEG": {}}
DEPARTMENT_NAMES = {"ENG": "Engineering", "SAL": "Sales", "LEG": "Legal"}
TEAM_NAMES = {"PLAT": "Platform", "APPS": "Apps", "EMEA": "EMEA Sales", "APAC": "APAC Sales"}
DIRECT = {"LEG": 3}
USERS = {
    "employee": ("emp@example.org", "employee", "EMEA0"),
    "manager": ("mgr@example.org", "manager", "PLAT0"),
    "analyst": ("ana@example.org", "analyst", None),
    "admin": ("adm@example.org", "admin", None),
}


def populate(url: str) -> None:
    with session_scope(url) as s:
        company = OrgUnit(code="ACME", name="Acme", kind="company")
        s.add(company)
        s.flush()
        for dept_code, teams in TEAMS.items():
            dept = OrgUnit(
                code=dept_code, name=DEPARTMENT_NAMES[dept_code], kind="department", parent_id=company.id
            )
            s.add(dept)
            s.flush()
            for i in range(DIRECT.get(dept_code, 0)):
                s.add(Person(hris_id=f"{dept_code}{i}", name=f"{dept_code} {i}", org_unit_id=dept.id))
            for team_code, size in teams.items():
                team = OrgUnit(code=team_code, name=TEAM_NAMES[team_code], kind="team", parent_id=dept.id)
                s.add(team)
                s.flush()
                lead = None
                for i in range(size):
                    person = Person(
                        hris_id=f"{team_code}{i}",
                        name=f"{team_code} {i}",
                        org_unit_id=team.id,
                        manager_id=lead.id if lead else None,
                    )
                    s.add(person)
                    s.flush()
                    lead = lead or person
        for email, roles, hris in USERS.values():
            add_user(s, email, PASSWORD, roles, person_hris_id=hris)


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = form_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
