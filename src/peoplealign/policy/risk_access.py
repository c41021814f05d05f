"""The policy doors of the flight-risk model: what it may learn from, what it may show, to whom.

- `RiskData` (a `WorkforceData`, so the same door as `gateway.PersonalData`) reads for the purpose
  `retention_conversation`: people's employment records (individual read of `hris`), their team's
  work patterns (k-suppressed org-unit cells of `activity`: never one person's hours) and, only when
  the charter lists this purpose for survey answers, their team's engagement (k-suppressed cells).
- `fairness_counts` reads protected attributes for the purpose `fairness_audit` only, as aggregates:
  per attribute and group, how many people and how many of them a model flags. Groups smaller than
  the charter's minimum group size come back without numbers. No service ever sees who is in which
  group, so protected attributes cannot become features.
- `PredictionAccess` shows stored predictions: individual estimates only to roles the charter gives
  individual `flight_risk` access (raw access to derived insights), k-suppressed org-unit cells to
  its aggregate roles. Either read is refused and audited for anyone else.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import Audience, Report, build_report
from peoplealign.policy.anonymity import Member
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, enforce
from peoplealign.policy.population import dimensions, load_person_facts, load_unit_tree
from peoplealign.policy.scope import Scope
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.store.models import ModelCard, OrgUnit, Person, Prediction, ProtectedAttribute, Survey

RISK_PURPOSE = "retention_conversation"
FAIRNESS_PURPOSE = "fairness_audit"
RISK_MODEL = "flight_risk"


@dataclass(frozen=True)
class TeamWorkload:
    """One released org-unit cell of work patterns over a window, per person-week."""

    after_hours_share: float | None
    hours_per_week: float | None
    pto_per_week: float | None


class RiskData(WorkforceData):
    """Reads that assemble flight-risk features, for `retention_conversation`."""

    def __init__(self, session: Session, actor: Actor, charter: Any | None = None) -> None:
        super().__init__(session, actor, RISK_PURPOSE, charter)

    def history(self) -> list[dict[str, Any]]:
        """Everyone's employment record, leavers included: the exits the model learns from."""
        return self.people(include_exited=True)

    def unit_labels(self) -> dict[int, str | None]:
        """Org-unit id to the label cells use (the org chart, not personal data)."""
        tree = load_unit_tree(self.session)
        return {unit_id: tree.unit_label(unit_id) for unit_id in self.session.scalars(select(OrgUnit.id))}

    def team_workload(self, windows: Sequence[tuple[dt.date, dt.date]]) -> list[dict[str, TeamWorkload]]:
        """Per window, per released org-unit cell: after-hours share of hours, hours and time off per
        person-week. Suppressed cells are absent: the model then knows nothing about that team."""
        found: list[dict[str, TeamWorkload]] = []
        for reports in self.activity_cells(windows, by=("org_unit",)):
            cells: dict[str, TeamWorkload] = {}
            for hours, after, pto, weeks in zip(
                reports["hours"].cells,
                reports["after_hours"].cells,
                reports["pto_hours"].cells,
                reports["person_weeks"].cells,
                strict=True,
            ):
                if weeks.suppressed or not weeks.value or hours.value is None:
                    continue
                cells[str(hours.group["org_unit"])] = TeamWorkload(
                    (after.value or 0.0) / hours.value if hours.value else None,
                    hours.value / weeks.value,
                    (pto.value or 0.0) / weeks.value,
                )
            found.append(cells)
        return found

    @property
    def may_use_engagement(self) -> bool:
        return self.charter.allows_purpose("survey", RISK_PURPOSE)

    def team_engagement(self, before: dt.date) -> dict[str, float]:
        """Engagement (% favourable) per released org-unit cell in the latest survey closed before
        `before`; empty when the charter does not allow survey answers for this purpose or there is
        no such survey."""
        if not self.may_use_engagement:
            return {}
        survey = self.session.scalars(
            select(Survey)
            .where(Survey.closed_on.is_not(None), Survey.closed_on < before)
            .order_by(Survey.closed_on.desc())
            .limit(1)
        ).first()
        if survey is None:
            return {}
        report = self.survey_cells("engagement", by=("org_unit",), survey_id=survey.id)
        return {
            str(c.group["org_unit"]): float(c.value)
            for c in report.cells
            if not c.suppressed and c.value is not None
        }


def fairness_counts(
    session: Session, actor: Actor, charter: CharterDocument, flagged: Mapping[int, bool]
) -> dict[str, dict[str, tuple[int, int] | None]]:
    """Per protected attribute and group: (people, flagged) among `flagged`'s people, or None for a
    group smaller than the charter's minimum group size. An aggregate read for `fairness_audit`."""
    detail = {"metric": "flag_rates", "people": len(flagged)}
    enforce(
        session,
        charter,
        actor,
        Action.READ_AGGREGATE,
        "protected_attributes",
        FAIRNESS_PURPOSE,
        detail=detail,
    )
    rows = session.execute(
        select(ProtectedAttribute.person_id, ProtectedAttribute.attribute, ProtectedAttribute.value)
    ).all()
    tallies: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for person_id, attribute, value in rows:
        if person_id in flagged:
            tally = tallies[attribute][value]
            tally[0] += 1
            tally[1] += int(flagged[person_id])
    smallest = max(charter.fairness.min_group_size, 1)
    counts = {
        attribute: {group: (n, f) if n >= smallest else None for group, (n, f) in sorted(groups.items())}
        for attribute, groups in sorted(tallies.items())
    }
    audit.record(
        session,
        actor,
        Action.READ_AGGREGATE.value,
        "protected_attributes",
        purpose=FAIRNESS_PURPOSE,
        detail={**detail, "attributes": sorted(counts), "min_group_size": smallest},
    )
    return counts


@dataclass(frozen=True)
class PersonEstimate:
    """One person's stored estimate, as its reader may see it."""

    person_id: int
    hris_id: str
    name: str | None
    org_unit: str | None
    probability: float
    band: str
    factors: list[Any]
    model_version: str


class PredictionAccess:
    """Reads of the active flight-risk model's predictions on behalf of one actor."""

    def __init__(self, session: Session, actor: Actor, charter: CharterDocument) -> None:
        self.session = session
        self.actor = actor
        self.charter = charter

    def active_card(self) -> ModelCard | None:
        """The model version in use (not personal data)."""
        return self.session.scalars(
            select(ModelCard)
            .where(ModelCard.model_name == RISK_MODEL, ModelCard.status == "active")
            .order_by(ModelCard.id.desc())
            .limit(1)
        ).first()

    def individual(self, band: str | None = None) -> list[PersonEstimate]:
        """Each active person's estimate, highest first: only for roles the charter names."""
        detail = {"metric": "flight_risk", "band": band}
        enforce(
            self.session,
            self.charter,
            self.actor,
            Action.READ_INDIVIDUAL,
            "predictions",
            RISK_PURPOSE,
            detail=detail,
        )
        card = self.active_card()
        if card is None:
            return []
        query = (
            select(Prediction, Person.hris_id, Person.name, OrgUnit.name)
            .join(Person, Person.id == Prediction.person_id)
            .outerjoin(OrgUnit, OrgUnit.id == Person.org_unit_id)
            .where(Prediction.model_card_id == card.id, Person.exit_date.is_(None))
            .order_by(Prediction.value.desc())
        )
        if band is not None:
            query = query.where(Prediction.band == band)
        found = [
            PersonEstimate(
                p.person_id, hris, name, unit, p.value, p.band or "", list(p.factors), card.version
            )
            for p, hris, name, unit in self.session.execute(query).all()
        ]
        audit.record(
            self.session,
            self.actor,
            Action.READ_INDIVIDUAL.value,
            "predictions",
            purpose=RISK_PURPOSE,
            detail={
                **detail,
                "records": len(found),
                "model_version": card.version,
                "subjects": [e.hris_id for e in found],
            },
        )
        return found

    def cells(self, by: Sequence[str] = ("department",)) -> tuple[Report, Report, str | None]:
        """Mean 12-month leave probability and number in the high band per cell of active scored
        people, k-suppressed and protected against differencing; with the model version."""
        detail = {"metric": "flight_risk", "by": list(by)}
        obligations = enforce(
            self.session,
            self.charter,
            self.actor,
            Action.READ_AGGREGATE,
            "predictions",
            RISK_PURPOSE,
            detail=detail,
        )
        card = self.active_card()
        rows = (
            self.session.execute(
                select(Prediction.person_id, Person.org_unit_id, Prediction.value, Prediction.band)
                .join(Person, Person.id == Prediction.person_id)
                .where(Prediction.model_card_id == card.id, Person.exit_date.is_(None))
            ).all()
            if card is not None
            else []
        )
        facts = load_person_facts(self.session)
        tree = load_unit_tree(self.session)
        today = dt.date.today()
        population = [
            Member(str(r.person_id), dimensions(facts.get(r.person_id), r.org_unit_id, tree, today))
            for r in rows
        ]
        values = {str(r.person_id): (r.value, r.band) for r in rows}
        audience = Audience(Scope(obligations.scope))
        mean = build_report(
            population,
            audience,
            obligations.k,
            by,
            {},
            lambda members: sum(values[m][0] for m in members) / max(len(members), 1),
        )
        high = build_report(
            population,
            audience,
            obligations.k,
            by,
            {},
            lambda members: float(sum(values[m][1] == "high" for m in members)),
        )
        audit.record(
            self.session,
            self.actor,
            Action.READ_AGGREGATE.value,
            "predictions",
            purpose=RISK_PURPOSE,
            detail={
                **detail,
                "cells": len(mean.cells),
                "suppressed": mean.suppressed,
                "model_version": card.version if card else None,
            },
        )
        return mean, high, card.version if card else None
