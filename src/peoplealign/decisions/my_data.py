"""My data: what the organisation holds about one employee, who may see it, and who has looked.

Everything comes through the policy layer as the employee's own reads (purpose `my_data`), and what
the charter says about each data source is taken from the same engine that enforces it, so the page
cannot promise something the software does not do. Data the charter does not open to its subject
for `my_data` (survey answers, which are never linked back to anyone; work-pattern totals; derived
estimates) is listed with what it is, who may see it and why its values are not shown here. The
export is the same content as JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from peoplealign.policy.access_log import MAX_EVENTS, AccessEntry, access_log, own_person
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.check_in_access import CheckInAccess, CheckInView
from peoplealign.policy.correction_access import CorrectionView, own_corrections
from peoplealign.policy.decision_access import DecisionRecord, own_decisions
from peoplealign.policy.engine import Action, authorize
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.own_records import own_skill_records

PURPOSE = "my_data"
DERIVED_SOURCES = frozenset({"predictions"})


def survey_statement(k: int) -> str:
    return (
        "Your survey answers are confidential. They are never shown individually to anyone, including "
        "you here, and never linked back to you: they count only in results about groups of at least "
        f"{k} people, and nobody can request a breakdown that would single you out."
    )


@dataclass(frozen=True)
class HeldData:
    """One data source of the charter as it concerns the employee."""

    key: str
    name: str
    description: str
    derived: bool
    purposes: tuple[str, ...]
    individual_readers: tuple[str, ...]  # "hr_partner (organisation)", "manager (own_subtree)"
    aggregate_readers: tuple[str, ...]
    retention_days: int
    shown_here: bool
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "purposes": list(self.purposes)}


def _individual_readers(charter: CharterDocument, source: str, purposes: tuple[str, ...]) -> tuple[str, ...]:
    """Roles the engine lets read one person's records of this source, with the scope they reach."""
    found = []
    for audience in charter.audiences:
        probe = Actor(email=f"probe:{audience.role}", roles=frozenset({audience.role}))
        for purpose in purposes:
            decision = authorize(charter, probe, Action.READ_INDIVIDUAL, source, purpose)
            if decision.allowed and decision.obligations is not None:
                found.append(f"{audience.role} ({decision.obligations.scope.value.replace('_', ' ')})")
                break
    return tuple(found)


def held_data(charter: CharterDocument, actor: Actor) -> list[HeldData]:
    found = []
    for source in charter.sources:
        own = authorize(charter, actor, Action.READ_OWN, source.key, PURPOSE)
        if own.allowed:
            note = "Shown below and included in your export."
        elif source.key == "survey":
            note = survey_statement(charter.k_aggregate)
        else:
            note = (
                f"Not shown here: {own.reason}. Ask {charter.contacts[0].name if charter.contacts else 'HR'} "
                "if you want to know more."
            )
        found.append(
            HeldData(
                key=source.key,
                name=source.name,
                description=source.description,
                derived=source.key in DERIVED_SOURCES,
                purposes=source.purposes,
                individual_readers=_individual_readers(charter, source.key, source.purposes),
                aggregate_readers=source.aggregate_access,
                retention_days=source.retention_days,
                shown_here=own.allowed,
                note=note,
            )
        )
    return found


@dataclass(frozen=True)
class MyData:
    generated_at: dt.datetime
    profile: dict[str, Any]
    records: dict[str, list[dict[str, Any]]]
    decisions: list[DecisionRecord]
    check_ins: list[CheckInView]
    corrections: list[CorrectionView]
    held: list[HeldData]
    access_log: list[AccessEntry]
    access_log_total: int
    survey_statement: str
    charter_version: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at.isoformat(),
            "charter_version": self.charter_version,
            "profile": self.profile,
            "records": self.records,
            "career_decisions": [d.as_dict() for d in self.decisions],
            "check_ins": [c.as_dict() for c in self.check_ins if c.role == "employee"],
            "correction_requests": [c.as_dict() for c in self.corrections],
            "data_held": [h.as_dict() for h in self.held],
            "survey_answers": self.survey_statement,
            "access_log": [e.as_dict() for e in self.access_log],
            "access_log_total": self.access_log_total,
        }


def my_data(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    *,
    log_from: int = 0,
    log_size: int = MAX_EVENTS,
) -> MyData:
    """Everything about the actor's own person that the charter lets them see, and who looked
    (`log_size` entries of the access log from `log_from`, newest first)."""
    person = own_person(session, actor)
    profile = PersonalData(session, actor, PURPOSE, charter).person(person.id)
    records = (
        own_skill_records(session, charter, actor, person)
        if charter.allows_purpose("skills", PURPOSE)
        else {}
    )
    check_ins = [c for c in CheckInAccess(session, actor, charter).visible() if c.role == "employee"]
    log, log_total = access_log(session, charter, actor, log_from, log_size)
    return MyData(
        generated_at=dt.datetime.now(dt.UTC),
        profile={k: v.isoformat() if isinstance(v, dt.date) else v for k, v in profile.items()},
        records=records,
        decisions=own_decisions(session, charter, actor, person),
        check_ins=check_ins,
        corrections=own_corrections(session, actor, person),
        held=held_data(charter, actor),
        access_log=log,
        access_log_total=log_total,
        survey_statement=survey_statement(charter.k_aggregate),
        charter_version=charter.version,
    )
