"""The only door to personal data: query helpers bound to (session, actor, purpose).

Services build a `PersonalData` and call its read methods; they never query personal tables
themselves. Each method asks the policy engine first (a denial is audited and raised), applies the
obligations (anonymity decision, scope, field removal and redaction) and appends an `allowed`
audit event in the caller's transaction describing what was read.

Headcounts follow the organisation-structure rule (`aggregates.ORG_STRUCTURE`): counts per
department and org unit, and the total, are the org chart and are released exactly within the
actor's scope; crossed with location, level or tenure band they are protected like any aggregate.
Survey, comment and activity aggregates are always k-suppressed and protected against differencing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from peoplealign.errors import NotFoundError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import (
    TOWN_HALL_STRUCTURE,
    Audience,
    Report,
    build_report,
    check_breakdown,
)
from peoplealign.policy.anonymity import Member
from peoplealign.policy.engine import Action, Decision, Obligations, deny, enforce
from peoplealign.policy.population import dimensions, load_person_facts, load_unit_tree
from peoplealign.policy.scope import Scope, manager_map, subtree, visible_people
from peoplealign.store.models import OrgUnit, Person, Question, Response, Survey

if TYPE_CHECKING:
    from peoplealign.listening.survey_metrics import SurveyMetric

REDACTED = "[redacted]"
PERSON_FIELDS = (
    "hris_id",
    "name",
    "email",
    "job_title",
    "job_family",
    "level",
    "location",
    "employment_type",
    "hire_date",
    "exit_date",
    "exit_reason",
    "exit_regretted",
    "salary",
    "pay_band_min",
    "pay_band_max",
    "last_promotion_date",
)


@dataclass(frozen=True)
class _Respondents:
    population: list[Member]
    keys_of_people: dict[int, str]
    parts: dict[str, tuple[float, float]]


class PersonalData:
    """Reads of personal data on behalf of one actor for one purpose."""

    def __init__(self, session: Session, actor: Actor, purpose: str, charter: Any | None = None) -> None:
        self.session = session
        self._loaded: dict[tuple[int, str], _Respondents] = {}
        self._team: frozenset[int] | None = None
        self.actor = actor
        self.purpose = purpose
        if charter is None:
            from peoplealign.policy.charter import active_charter

            charter = active_charter(session)
        self.charter = charter

    # --- aggregates -----------------------------------------------------------------------------

    def _authorize_aggregate(
        self,
        resource: str,
        by: Sequence[str],
        filters: Mapping[str, Any],
        detail: Mapping[str, Any],
        *,
        town_hall: bool = False,
        public: Sequence[str] = (),
    ) -> Obligations:
        """Refuse before anything is read: the source, the purpose and the breakdown for the scope
        (for a town-hall read, the narrowest scope, whatever the actor's own); `public` dimensions
        are open to every scope."""
        obligations = enforce(
            self.session,
            self.charter,
            self.actor,
            Action.READ_AGGREGATE,
            resource,
            self.purpose,
            detail=detail,
        )
        scope = Scope.SELF if town_hall else obligations.scope
        refused = check_breakdown(Audience(scope), by, filters, public)
        if refused:
            also = f" and breakdowns by {', '.join(public)}" if public else ""
            decision = Decision(
                False,
                f"a {scope.value}-scope audience sees organisation-wide totals{also} only, "
                f"not breakdowns by {', '.join(refused)}",
                "audiences.*.scope",
            )
            deny(
                self.session,
                self.actor,
                Action.READ_AGGREGATE.value,
                resource,
                self.purpose,
                decision,
                detail=detail,
            )
        return obligations

    def _audience(self, obligations: Obligations, keys_of_people: Mapping[int, str]) -> Audience:
        """A manager's team is their reporting subtree; without a linked person there is none."""
        person_key = keys_of_people.get(self.actor.person_id) if self.actor.person_id is not None else None
        if obligations.scope is not Scope.OWN_SUBTREE:
            return Audience(obligations.scope, person_key)
        team = self._subtree(self.actor.person_id) if self.actor.person_id is not None else frozenset()
        return Audience(
            Scope.OWN_SUBTREE, person_key, frozenset(keys_of_people[p] for p in team if p in keys_of_people)
        )

    def _subtree(self, person_id: int) -> frozenset[int]:
        if self._team is None:
            self._team = subtree(manager_map(self.session), person_id)
        return self._team

    def survey_cells(
        self,
        metric: str,
        by: Sequence[str] = (),
        survey_id: int | str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> Report:
        """A survey metric per cell of a breakdown, k-suppressed and protected against differencing."""
        from peoplealign.listening.survey_metrics import combine, survey_metric

        chosen = survey_metric(metric)
        filters = dict(filters or {})
        survey = self._survey(survey_id)
        detail = {"survey": survey.code, "metric": chosen.key, "by": list(by), "filters": filters}
        obligations = self._authorize_aggregate("survey", by, filters, detail)
        loaded = self._respondents(survey, chosen)
        if not loaded.population:
            raise NotFoundError(f"survey {survey.code} has no answers to {chosen.label.lower()} items")
        audience = self._audience(obligations, loaded.keys_of_people)

        def value_of(members: frozenset[str]) -> float:
            return combine(loaded.parts[m] for m in members)

        report = build_report(loaded.population, audience, obligations.k, by, filters, value_of)
        self._audit_aggregate("survey", {**detail, "scope": audience.scope.value}, report)
        return report

    def _respondents(self, survey: Survey, metric: SurveyMetric) -> _Respondents:
        """A survey's respondents for one metric, loaded once per reader: a dashboard asks for many
        breakdowns of the same population."""
        cache_key = (survey.id, metric.key)
        if cache_key in self._loaded:
            return self._loaded[cache_key]
        answers = self._answers(survey, metric.kinds)
        facts = load_person_facts(self.session)
        tree = load_unit_tree(self.session)
        as_of = survey.closed_on or survey.opened_on or dt.date.today()
        firsts = answers.drop_duplicates("respondent")
        rows = [
            (str(key), _optional_int(person), _optional_int(unit))
            for key, person, unit in zip(
                firsts["respondent"], firsts["person_id"], firsts["unit_id"], strict=True
            )
        ]
        population = [
            Member(key, dimensions(facts.get(person) if person is not None else None, unit, tree, as_of))
            for key, person, unit in rows
        ]
        keys_of_people = {person: key for key, person, _ in rows if person is not None}
        loaded = _Respondents(population, keys_of_people, metric.per_respondent(answers))
        self._loaded[cache_key] = loaded
        return loaded

    def headcount(
        self,
        by: Sequence[str] = (),
        filters: Mapping[str, Any] | None = None,
        as_of: dt.date | None = None,
        *,
        town_hall: bool = False,
    ) -> Report:
        """People employed on `as_of` (default today) per cell.

        Breakdowns by department and org unit alone, and the total, are organisation structure
        (`aggregates.ORG_STRUCTURE`): exact, never suppressed. Every scope may count the organisation
        and its departments; a manager's own scope counts their reporting line, organisation-scope
        roles the whole tree. Breakdowns crossed with location, level or tenure band are k-suppressed
        and protected against differencing with the exact structure cells counted as known.

        `town_hall=True` reads the organisation-wide figures every employee sees, whatever the actor's
        own scope: a manager's own scope is their team, yet the town-hall figures are theirs too."""
        filters = dict(filters or {})
        day = as_of or dt.date.today()
        detail = {"metric": "headcount", "by": list(by), "filters": filters, "as_of": day.isoformat()}
        rows = self.session.execute(
            select(Person.id, Person.org_unit_id, Person.hire_date, Person.exit_date)
        ).all()
        active = [
            r
            for r in rows
            if (r.hire_date is None or r.hire_date <= day) and (r.exit_date is None or r.exit_date > day)
        ]
        obligations = self._authorize_aggregate(
            "hris", by, filters, detail, town_hall=town_hall, public=TOWN_HALL_STRUCTURE
        )
        audience = (
            Audience(Scope.SELF)
            if town_hall
            else self._audience(obligations, {r.id: str(r.id) for r in active})
        )
        facts = load_person_facts(self.session)
        tree = load_unit_tree(self.session)
        population = [
            Member(str(r.id), dimensions(facts.get(r.id), r.org_unit_id, tree, day)) for r in active
        ]
        report = build_report(
            population,
            audience,
            obligations.k,
            by,
            filters,
            lambda members: float(len(members)),
            structure=True,
        )
        self._audit_aggregate("hris", {**detail, "scope": audience.scope.value}, report)
        return report

    def _audit_aggregate(self, resource: str, detail: Mapping[str, Any], report: Report) -> None:
        audit.record(
            self.session,
            self.actor,
            Action.READ_AGGREGATE.value,
            resource,
            purpose=self.purpose,
            detail={**detail, "cells": len(report.cells), "suppressed": report.suppressed},
        )

    def _survey(self, survey_id: int | str | None) -> Survey:
        if survey_id is None:
            latest = self.session.scalars(
                select(Survey).order_by(Survey.opened_on.desc().nulls_last(), Survey.id.desc()).limit(1)
            ).first()
            if latest is None:
                raise NotFoundError("there are no surveys yet; import survey responses first")
            return latest
        text = str(survey_id)
        condition = (
            or_(Survey.code == text, Survey.id == int(text)) if text.isdigit() else Survey.code == text
        )
        found = self.session.scalars(
            select(Survey).where(condition).order_by((Survey.code == text).desc())
        ).first()
        if found is None:
            raise NotFoundError(f"no survey with id or code {text!r}")
        return found

    def _answers(self, survey: Survey, kinds: Sequence[str]) -> pd.DataFrame:
        rows = self.session.execute(
            select(
                Response.respondent_key.label("respondent"),
                Response.person_id,
                Response.org_unit_id,
                Person.org_unit_id.label("person_unit_id"),
                Response.value,
                Question.kind,
                Question.scale_min,
                Question.scale_max,
            )
            .join(Question, Question.id == Response.question_id)
            .outerjoin(Person, Person.id == Response.person_id)
            .where(Response.survey_id == survey.id, Question.kind.in_(list(kinds)))
        ).all()
        frame = pd.DataFrame(
            rows,
            columns=[
                "respondent",
                "person_id",
                "org_unit_id",
                "person_unit_id",
                "value",
                "kind",
                "scale_min",
                "scale_max",
            ],
        )
        # The unit at survey time wins over today's: results stay where people were when they answered.
        frame["unit_id"] = frame["org_unit_id"].fillna(frame["person_unit_id"])
        return frame

    # --- individual records ---------------------------------------------------------------------

    def person(self, person_id: int) -> dict[str, Any]:
        """One person's record: their own always; others only within the actor's scope."""
        found = self.session.get(Person, person_id)
        if found is None:
            raise NotFoundError(f"no person with id {person_id}")
        own = person_id == self.actor.person_id
        action = Action.READ_OWN if own else Action.READ_INDIVIDUAL
        obligations = enforce(
            self.session, self.charter, self.actor, action, "hris", self.purpose, subject=found.hris_id
        )
        if not own:
            allowed = visible_people(self.session, obligations.scope, self.actor.person_id)
            if allowed is not None and person_id not in allowed:
                decision = Decision(
                    False, "the person is outside the actor's own reporting subtree", "audiences.*.scope"
                )
                deny(
                    self.session,
                    self.actor,
                    action.value,
                    "hris",
                    self.purpose,
                    decision,
                    subject=found.hris_id,
                )
        record = self._shape(found, obligations)
        audit.record(
            self.session,
            self.actor,
            action.value,
            "hris",
            subject=found.hris_id,
            purpose=self.purpose,
            detail={"fields": sorted(record)},
        )
        return record

    def people(self, org_unit_code: str | None = None, include_exited: bool = False) -> list[dict[str, Any]]:
        """Records of everyone in the actor's scope (a manager: their subtree), fields per the charter."""
        obligations = enforce(
            self.session, self.charter, self.actor, Action.READ_INDIVIDUAL, "hris", self.purpose
        )
        allowed = visible_people(self.session, obligations.scope, self.actor.person_id)
        allowed = None if allowed is None else allowed - {self.actor.person_id}
        query = select(Person).order_by(Person.hris_id)
        if allowed is not None:
            query = query.where(Person.id.in_(sorted(allowed)))
        if not include_exited:
            query = query.where(Person.exit_date.is_(None))
        if org_unit_code is not None:
            query = query.join(OrgUnit, OrgUnit.id == Person.org_unit_id).where(OrgUnit.code == org_unit_code)
        records = [self._shape(p, obligations) for p in self.session.scalars(query)]
        audit.record(
            self.session,
            self.actor,
            Action.READ_INDIVIDUAL.value,
            "hris",
            purpose=self.purpose,
            detail={"records": len(records), "org_unit": org_unit_code, "scope": obligations.scope.value},
        )
        return records

    def _shape(self, person: Person, obligations: Obligations) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": person.id,
            "manager_id": person.manager_id,
            "org_unit_id": person.org_unit_id,
        }
        for name in PERSON_FIELDS:
            if name in obligations.remove_fields:
                continue
            value = getattr(person, name)
            record[name] = REDACTED if name in obligations.redact_fields and value is not None else value
        return record


def _optional_int(value: Any) -> int | None:
    """Ids come back from pandas as floats with NaN for missing."""
    return None if pd.isna(value) else int(value)
