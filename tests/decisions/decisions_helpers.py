"""A small organisation for the decisions tests.

Acme > Engineering > Platform (lead P0 + 6 reports) and Apps (lead A0 + 5 reports); People (HR):
two HR partners. Logins: both HR partners, the Platform lead (manager), two Platform members, the
executive and an analyst. A flight-risk model has scored the first Platform member, and the queue
holds a stay interview about them, a rebalance for Platform and a coaching suggestion for Apps.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import active_charter
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.store.engine import session_scope
from peoplealign.store.models import (
    Enrollment,
    InternalMove,
    LearningProgram,
    ModelCard,
    OrgUnit,
    Person,
    PersonSkill,
    Prediction,
    ProficiencyMilestone,
    Question,
    Recommendation,
    Response,
    Skill,
    Survey,
    User,
)

PASSWORD = "correct horse battery staple"
# A cheap argon2 hash: verifying reads the cost from the hash, so sign-ins in tests stay fast.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)

EMAILS = {
    "hr": "hr1@example.org",
    "hr2": "hr2@example.org",
    "manager": "lead@example.org",
    "employee": "p1@example.org",
    "colleague": "p2@example.org",
    "executive": "ceo@example.org",
    "analyst": "analyst@example.org",
    "apps_lead": "apps@example.org",
}


@dataclass(frozen=True)
class Org:
    url: str
    actors: dict[str, Actor]
    person: dict[str, int]  # HRIS id -> person id
    prediction_id: int
    stay_interview_id: int
    rebalance_id: int
    coaching_id: int

    def charter(self) -> CharterDocument:
        with session_scope(self.url) as session:
            return active_charter(session)


def build_org(url: str) -> Org:
    with session_scope(url) as s:
        company = OrgUnit(code="ACME", name="Acme", kind="company")
        s.add(company)
        s.flush()
        eng = OrgUnit(code="ENG", name="Engineering", kind="department", parent_id=company.id)
        people_dept = OrgUnit(code="PPL", name="People", kind="department", parent_id=company.id)
        s.add_all([eng, people_dept])
        s.flush()
        units = {}
        for code, name in (("PLAT", "Platform"), ("APPS", "Apps")):
            units[code] = OrgUnit(code=code, name=name, kind="team", parent_id=eng.id)
            s.add(units[code])
        s.flush()
        rows: dict[str, Person] = {}
        for code, size in (("P", 7), ("A", 6)):
            unit = units["PLAT" if code == "P" else "APPS"]
            for i in range(size):
                person = Person(
                    hris_id=f"{code}{i}",
                    name=f"{'Platform' if code == 'P' else 'Apps'} Person{i}",
                    email=f"{code.lower()}{i}@example.org" if i else None,
                    org_unit_id=unit.id,
                    manager_id=rows[f"{code}0"].id if i else None,
                    job_title="Engineer",
                    level=2,
                    location="Lima",
                    hire_date=dt.date(2020, 1, 1),
                    salary=50_000.0,
                )
                s.add(person)
                s.flush()
                rows[person.hris_id] = person
        for i in (1, 2):
            hr = Person(hris_id=f"HR{i}", name=f"Hr Partner{i}", org_unit_id=people_dept.id)
            s.add(hr)
            s.flush()
            rows[hr.hris_id] = hr
        links = {
            "hr": ("HR1", ["hr_partner", "employee"]),
            "hr2": ("HR2", ["hr_partner", "employee"]),
            "manager": ("P0", ["manager", "employee"]),
            "employee": ("P1", ["employee"]),
            "colleague": ("P2", ["employee"]),
            "executive": (None, ["executive"]),
            "analyst": (None, ["analyst"]),
            "apps_lead": ("A0", ["manager", "employee"]),
        }
        actors = {}
        for key, (hris, roles) in links.items():
            user = User(
                email=EMAILS[key],
                password_hash=PASSWORD_HASH,
                roles=roles,
                person_id=rows[hris].id if hris else None,
            )
            s.add(user)
            s.flush()
            actors[key] = Actor.from_user(user)
        employee = rows["P1"]
        skill = Skill(code="PY", name="Python", category="Engineering")
        program = LearningProgram(code="PY101", name="Python basics", hours=10.0)
        s.add_all([skill, program])
        s.flush()
        s.add_all(
            [
                PersonSkill(person_id=employee.id, skill_id=skill.id, proficiency=3, source="self"),
                Enrollment(
                    person_id=employee.id,
                    program_id=program.id,
                    enrolled_on=dt.date(2026, 1, 5),
                    hours_completed=4.0,
                ),
                InternalMove(person_id=employee.id, move_date=dt.date(2024, 3, 1), kind="lateral"),
                ProficiencyMilestone(
                    person_id=employee.id, milestone="fully_proficient", reached_on=dt.date(2021, 6, 1)
                ),
            ]
        )
        card = ModelCard(model_name="flight_risk", version="fr-test-1", card={}, status="active")
        s.add(card)
        s.flush()
        prediction = Prediction(model_card_id=card.id, person_id=employee.id, value=0.42, band="high")
        stay = Recommendation(
            kind="stay_interview",
            subject_person_id=employee.id,
            title="Offer a stay interview",
            explanation="Estimated chance of leaving within a year rose to 42%.",
            evidence={"risk": 0.42, "top_factors": ["no promotion in 4 years"]},
            model_version="fr-test-1",
        )
        rebalance = Recommendation(
            kind="rebalance",
            org_unit_id=units["PLAT"].id,
            title="Rebalance Platform's workload",
            explanation="After-hours work up 40% for six weeks.",
            evidence={"after_hours_change": 0.4},
            model_version="wellbeing-1",
        )
        coaching = Recommendation(
            kind="coaching",
            org_unit_id=units["APPS"].id,
            title="Coaching for Apps",
            explanation="Meeting load up.",
            evidence={},
            model_version="coaching-1",
        )
        s.add_all([prediction, stay, rebalance, coaching])
        s.flush()
        ids = {p.hris_id: p.id for p in s.scalars(select(Person))}
        return Org(url, actors, ids, prediction.id, stay.id, rebalance.id, coaching.id)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, who: str) -> str:
    """Signs `who` in and returns a CSRF token for their session."""
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": EMAILS[who], "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_token(client.get("/my-data").text)


def small_cycle(org: Org) -> None:
    """A pulse answered by three people: below k for everyone."""
    with session_scope(org.url) as session:
        survey = Survey(code="PULSE", name="Tiny pulse", kind="engagement", opened_on=dt.date(2026, 10, 1))
        session.add(survey)
        session.flush()
        question = Question(survey_id=survey.id, code="E1", text="Proud", kind="engagement")
        session.add(question)
        session.flush()
        for person in session.scalars(select(Person).order_by(Person.id).limit(3)):
            session.add(
                Response(
                    survey_id=survey.id,
                    question_id=question.id,
                    respondent_key=f"r{person.id}",
                    person_id=person.id,
                    value=5.0,
                )
            )


def writers(org: Org, count: int) -> list[Actor]:
    """Employees of the small organisation other than the two with logins, each as themselves."""
    hris = [h for h in sorted(org.person) if h[0] in "PA" and h not in {"P1", "P2"}][:count]
    return [Actor(f"{h.lower()}@example.org", frozenset({"employee"}), person_id=org.person[h]) for h in hris]
