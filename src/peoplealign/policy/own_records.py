"""A person's own records beyond their profile: skills, learning, internal moves and proficiency
milestones. Always theirs to see for the `my_data` purpose (when the charter lists it for the skills
source), read through the policy engine and audited like any other read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, enforce
from peoplealign.store.models import (
    Enrollment,
    InternalMove,
    LearningProgram,
    OrgUnit,
    Person,
    PersonSkill,
    ProficiencyMilestone,
    Skill,
)

PURPOSE = "my_data"
SOURCE = "skills"


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def own_skill_records(
    session: Session, charter: CharterDocument, actor: Actor, person: Person
) -> dict[str, list[dict[str, Any]]]:
    """Skills, learning, moves and milestones of the actor's own person (the caller checked the link)."""
    enforce(session, charter, actor, Action.READ_OWN, SOURCE, PURPOSE, subject=person.hris_id)
    skills = [
        {"skill": name, "category": category, "proficiency": level, "assessed_on": _iso(on), "source": source}
        for name, category, level, on, source in session.execute(
            select(
                Skill.name,
                Skill.category,
                PersonSkill.proficiency,
                PersonSkill.assessed_on,
                PersonSkill.source,
            )
            .join(Skill, Skill.id == PersonSkill.skill_id)
            .where(PersonSkill.person_id == person.id)
            .order_by(Skill.name)
        )
    ]
    learning = [
        {"program": name, "enrolled_on": _iso(start), "completed_on": _iso(end), "hours_completed": hours}
        for name, start, end, hours in session.execute(
            select(
                LearningProgram.name,
                Enrollment.enrolled_on,
                Enrollment.completed_on,
                Enrollment.hours_completed,
            )
            .join(LearningProgram, LearningProgram.id == Enrollment.program_id)
            .where(Enrollment.person_id == person.id)
            .order_by(Enrollment.enrolled_on)
        )
    ]
    units = dict(session.execute(select(OrgUnit.id, OrgUnit.name)).tuples().all())
    moves = [
        {
            "move_date": _iso(m.move_date),
            "kind": m.kind,
            "from_unit": units.get(m.from_org_unit_id) if m.from_org_unit_id else None,
            "to_unit": units.get(m.to_org_unit_id) if m.to_org_unit_id else None,
            "from_title": m.from_title,
            "to_title": m.to_title,
            "from_level": m.from_level,
            "to_level": m.to_level,
        }
        for m in session.scalars(
            select(InternalMove).where(InternalMove.person_id == person.id).order_by(InternalMove.move_date)
        )
    ]
    milestones = [
        {"milestone": name, "reached_on": _iso(on)}
        for name, on in session.execute(
            select(ProficiencyMilestone.milestone, ProficiencyMilestone.reached_on)
            .where(ProficiencyMilestone.person_id == person.id)
            .order_by(ProficiencyMilestone.reached_on)
        )
    ]
    found = {"skills": skills, "learning": learning, "internal_moves": moves, "milestones": milestones}
    audit.record(
        session,
        actor,
        Action.READ_OWN.value,
        SOURCE,
        subject=person.hris_id,
        purpose=PURPOSE,
        detail={name: len(rows) for name, rows in found.items()},
    )
    return found
