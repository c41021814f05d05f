"""The gateway on both storage backends: scoping, field obligations, audit of reads and denials."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from peoplealign.errors import NotFoundError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.gateway import REDACTED, PersonalData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, OrgUnit, Person, Question, Response, Survey

# Acme > Eng (team A: lead + 7, team B: lead + 5) and Sales (team C: lead + 6); Eng head manages leads.
TEAMS = {"A": ("Eng", 7), "B": ("Eng", 5), "C": ("Sales", 6)}


def build(url: str) -> dict[str, Actor]:
    with session_scope(url) as s:
        company = OrgUnit(code="ACME", name="Acme", kind="company")
        s.add(company)
        s.flush()
        departments = {}
        for name in ("Eng", "Sales"):
            departments[name] = OrgUnit(code=name.upper(), name=name, kind="department", parent_id=company.id)
            s.add(departments[name])
        s.flush()
        head = Person(hris_id="H", name="Head", org_unit_id=departments["Eng"].id, salary=1.0)
        s.add(head)
        s.flush()
        leads = {}
        for code, (department, size) in TEAMS.items():
            unit = OrgUnit(code=code, name=f"Team {code}", kind="team", parent_id=departments[department].id)
            s.add(unit)
            s.flush()
            lead = Person(
                hris_id=f"{code}L",
                name=f"Lead {code}",
                org_unit_id=unit.id,
                manager_id=head.id if department == "Eng" else None,
            )
            s.add(lead)
            s.flush()
            leads[code] = lead
            for i in range(size):
                s.add(
                    Person(
                        hris_id=f"{code}{i}",
                        name=f"{code} person {i}",
                        email=f"{code.lower()}{i}@example.org",
                        org_unit_id=unit.id,
                        manager_id=lead.id,
                        location="Paris" if i % 2 else "Lima",
                        level=2,
                        hire_date=dt.date(2020, 1, 1),
                        salary=50_000.0,
                    )
                )
        survey = Survey(code="S1", name="Pulse", opened_on=dt.date(2026, 1, 1))
        s.add(survey)
        s.flush()
        question = Question(survey_id=survey.id, code="EN1", text="Proud", kind="engagement")
        s.add(question)
        s.flush()
        for person in s.scalars(select(Person)):
            s.add(
                Response(
                    survey_id=survey.id,
                    question_id=question.id,
                    respondent_key=f"r{person.id}",
                    person_id=person.id,
                    org_unit_id=person.org_unit_id,
                    value=5.0 if person.id % 3 else 2.0,
                )
            )
        member = s.scalar(select(Person).where(Person.hris_id == "A0"))
        assert member is not None

        def actor(email: str, roles: set[str], person: Person | None) -> Actor:
            return Actor(email, frozenset({"employee", *roles}), person_id=person.id if person else None)

        return {
            "lead_a": actor("lead.a@example.org", {"manager"}, leads["A"]),
            "head": actor("head@example.org", {"manager"}, head),
            "member": actor("a0@example.org", set(), member),
            "analyst": actor("analyst@example.org", {"analyst"}, None),
            "hr": actor("hr@example.org", {"hr_partner"}, None),
        }


def person_id(url: str, hris_id: str) -> int:
    with session_scope(url) as s:
        found = s.scalar(select(Person.id).where(Person.hris_id == hris_id))
        assert found is not None
        return found


def test_a_denial_is_audited_even_when_the_callers_transaction_rolls_back(db_url: str) -> None:
    actors = build(db_url)
    outsider = person_id(db_url, "C1")
    with (
        pytest.raises(PolicyDenied, match="outside the actor's own reporting subtree"),
        session_scope(db_url) as s,
    ):
        PersonalData(s, actors["lead_a"], "development").person(outsider)
    with session_scope(db_url) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
        assert [(e.actor, e.subject, e.purpose) for e in events] == [
            ("lead.a@example.org", "C1", "development")
        ]
        assert events[0].detail["rule"] == "audiences.*.scope"
        assert audit.verify(s).ok


def test_records_are_scoped_shaped_and_audited(db_url: str) -> None:
    actors = build(db_url)
    own = person_id(db_url, "A0")
    with session_scope(db_url) as s:
        mine = PersonalData(s, actors["member"], "my_data").person(own)
        assert mine["salary"] == 50_000.0 and mine["name"] == "A person 0"
        team = PersonalData(s, actors["lead_a"], "development").people()
        assert {p["hris_id"] for p in team} == {f"A{i}" for i in range(7)}
        assert all("salary" not in p and "exit_reason" not in p for p in team)
        head_view = PersonalData(s, actors["head"], "development").people()
        assert {p["hris_id"] for p in head_view} == {"AL", "BL"} | {f"A{i}" for i in range(7)} | {
            f"B{i}" for i in range(5)
        }
        pseudonymous = PersonalData(s, actors["analyst"], "workforce_planning").people()
        assert len(pseudonymous) == 22 and all(p["name"] == REDACTED for p in pseudonymous)
        assert sum(p["salary"] == 50_000.0 for p in pseudonymous) == 18
    with session_scope(db_url) as s:
        reads = s.scalars(
            select(AuditEvent).where(AuditEvent.outcome == "allowed").order_by(AuditEvent.id)
        ).all()
        assert [e.subject for e in reads] == ["A0", None, None, None]
        assert [e.detail["records"] for e in reads[1:]] == [7, 14, 22]


def test_aggregates_follow_scope_with_filters_and_headcount(db_url: str) -> None:
    actors = build(db_url)
    with session_scope(db_url) as s:
        analyst = PersonalData(s, actors["analyst"], "survey_reporting")
        by_team = analyst.survey_cells("engagement", ["org_unit"], filters={"department": "Eng"})
        cells = {c.group["org_unit"]: c for c in by_team.cells}
        assert set(cells) == {"Eng", "Team A", "Team B"}
        # The head alone sits in Eng itself: hidden, and one team with it, or Eng minus teams shows them.
        assert cells["Eng"].reason == "fewer than 5 people"
        assert cells["Team A"].suppressed or cells["Team B"].suppressed
        head = PersonalData(s, actors["head"], "survey_reporting").survey_cells("engagement", ["org_unit"])
        assert {c.group["org_unit"] for c in head.cells} <= {"Team A", "Team B"}
        lead = PersonalData(s, actors["lead_a"], "survey_reporting").survey_cells("engagement")
        assert [(c.n, c.suppressed) for c in lead.cells] == [(7, False)]
        with pytest.raises(NotFoundError, match="survey S1 has no answers to enps items"):
            analyst.survey_cells("enps", survey_id="S1")
        count = PersonalData(s, actors["hr"], "org_reporting").headcount(["department"])
        assert {c.group["department"]: c.n for c in count.cells} == {"Eng": 15, "Sales": 7}
    with session_scope(db_url) as s:
        details = [e.detail for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert [d["scope"] for d in details] == ["organisation", "own_subtree", "own_subtree", "organisation"]
        assert all(d["cells"] >= 1 for d in details)
