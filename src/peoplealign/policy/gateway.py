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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from peoplealign.errors import NotFoundError
from peoplealign.policy import audit, snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import (
    TOWN_HALL_STRUCTURE,
    Audience,
    Cell,
    Report,
    build_report,
    check_breakdown,
)
from peoplealign.policy.anonymity import Member
from peoplealign.policy.engine import Action, Decision, Obligations, deny, enforce
from peoplealign.policy.population import dimensions, load_person_facts, load_unit_tree
from peoplealign.policy.scope import Scope, visible_people
from peoplealign.store.models import Comment, CommentTheme, OrgUnit, Person, Question, Response, Survey

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
    population: tuple[Member, ...]  # a tuple: its anonymity fingerprint is remembered
    keys_of_people: dict[int, str]
    parts: dict[str, dict[str, tuple[float, float]]]  # measure key -> respondent -> (num, den)


@dataclass(frozen=True)
class ThemeVoice:
    """What employees say about one theme: share of the themed comments and mean sentiment in [-1, 1]."""

    theme: str
    n: int | None
    share: float | None
    sentiment: float | None
    suppressed: bool
    reason: str | None
    group: dict[str, Any] = field(default_factory=dict)
    comments: int | None = None  # comments on the theme in the cell; n counts the cell's writers


@dataclass(frozen=True)
class CellCorrelation:
    """Correlations between measures over one released cell: an aggregate that a relative-importance
    analysis can be computed from, so no respondent's answers ever leave the policy layer."""

    group: dict[str, Any]
    n: int | None
    matrix: pd.DataFrame | None
    suppressed: bool
    reason: str | None


def authorize_breakdown(
    session: Session,
    charter: Any,
    actor: Actor,
    purpose: str,
    resource: str,
    by: Sequence[str],
    filters: Mapping[str, Any],
    detail: Mapping[str, Any],
    *,
    scope: Scope | None = None,
    public: Sequence[str] = (),
) -> Obligations:
    """The one check every aggregate read passes before anything is read: the source and the
    purpose (charter), then the breakdown for the audience's scope (`scope` overrides the actor's
    own); `public` dimensions are open to every scope. A refusal is audited and raised."""
    obligations = enforce(session, charter, actor, Action.READ_AGGREGATE, resource, purpose, detail=detail)
    checked = scope or obligations.scope
    refused = check_breakdown(Audience(checked), by, filters, public)
    if refused:
        also = f" and breakdowns by {', '.join(public)}" if public else ""
        decision = Decision(
            False,
            f"a {checked.value}-scope audience sees organisation-wide totals{also} only, "
            f"not breakdowns by {', '.join(refused)}",
            "audiences.*.scope",
        )
        deny(session, actor, Action.READ_AGGREGATE.value, resource, purpose, decision, detail=detail)
    return obligations


class PersonalData:
    """Reads of personal data on behalf of one actor for one purpose."""

    def __init__(self, session: Session, actor: Actor, purpose: str, charter: Any | None = None) -> None:
        self.session = session
        self._team: frozenset[int] | None = None
        # Survey descriptions looked up by this reader (one request): a dashboard asks for the same
        # cycles chart after chart, and each lookup was a query.
        self._surveys: dict[int | str | None, Survey] = {}
        self._previous: dict[int, Survey | None] = {}
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
        """Refuse before anything is read (for a town-hall read, the breakdown is checked for the
        narrowest scope, whatever the actor's own)."""
        return authorize_breakdown(
            self.session,
            self.charter,
            self.actor,
            self.purpose,
            resource,
            by,
            filters,
            detail,
            scope=Scope.SELF if town_hall else None,
            public=public,
        )

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
            self._team = snapshots.team(self.session, person_id)
        return self._team

    def survey_cells(
        self,
        metric: str,
        by: Sequence[str] = (),
        survey_id: int | str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> Report:
        """A survey metric per cell of a breakdown, k-suppressed and protected against differencing."""
        from peoplealign.listening.survey_metrics import survey_metric

        chosen = survey_metric(metric)
        survey = self._survey(survey_id)
        detail = {"survey": survey.code, "metric": chosen.key, "by": list(by), "filters": dict(filters or {})}
        return self._survey_reports(survey, (chosen,), by, filters, detail)[chosen.key]

    def survey_measures(
        self,
        measures: Sequence[SurveyMetric],
        by: Sequence[str] = (),
        survey_id: int | str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> dict[str, Report]:
        """Several measures (drivers, items) per cell, from one anonymity decision over the survey's
        respondents: the columns of a heatmap agree on which cells are shown. A cell where fewer than
        k people answered a measure's items is suppressed for that measure."""
        survey = self._survey(survey_id)
        detail = {
            "survey": survey.code,
            "metrics": [m.key for m in measures],
            "by": list(by),
            "filters": dict(filters or {}),
        }
        return self._survey_reports(survey, tuple(measures), by, filters, detail)

    def _survey_reports(
        self,
        survey: Survey,
        measures: tuple[SurveyMetric, ...],
        by: Sequence[str],
        filters: Mapping[str, Any] | None,
        detail: Mapping[str, Any],
    ) -> dict[str, Report]:
        from peoplealign.listening.survey_metrics import combine

        filters = dict(filters or {})
        obligations = self._authorize_aggregate("survey", by, filters, detail)
        loaded = self._respondents(survey, measures)
        if not loaded.population:
            labels = ", ".join(m.label.lower() for m in measures)
            raise NotFoundError(f"survey {survey.code} has no answers to {labels} items")
        audience = self._audience(obligations, loaded.keys_of_people)
        k = obligations.k

        def compute() -> dict[str, Report]:
            reports = {}
            for measure in measures:
                parts = loaded.parts[measure.key]

                def value_of(
                    members: frozenset[str], parts: Mapping[str, tuple[float, float]] = parts
                ) -> float:
                    answered = [parts[m] for m in members if m in parts]
                    return combine(answered) if len(answered) >= k else float("nan")

                report = build_report(loaded.population, audience, k, by, filters, value_of)
                reports[measure.key] = Report([_unanswered(c, k) for c in report.cells], k)
            return reports

        key = (survey.id, tuple(m.key for m in measures), tuple(by), tuple(sorted(filters.items())), k)
        reports = dict(
            snapshots.cached(
                self.session, ("survey_reports", *key, *self._audience_key(obligations)), compute
            )
        )
        cells = [c for r in reports.values() for c in r.cells]
        self._audit_aggregate("survey", {**detail, "scope": audience.scope.value}, Report(cells, k))
        return reports

    def survey_correlations(
        self,
        measures: Sequence[SurveyMetric],
        by: Sequence[str] = (),
        survey_id: int | str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> list[CellCorrelation]:
        """Pearson correlations between respondents' scores on `measures` (each respondent's share of
        favourable answers), per released cell, over respondents who answered every measure. Cells
        with fewer than k such respondents are suppressed like any aggregate."""
        filters = dict(filters or {})
        survey = self._survey(survey_id)
        keys = [m.key for m in measures]
        detail = {"survey": survey.code, "correlations": keys, "by": list(by), "filters": filters}
        obligations = self._authorize_aggregate("survey", by, filters, detail)
        loaded = self._respondents(survey, tuple(measures))
        if not loaded.population:
            raise NotFoundError(f"survey {survey.code} has no answers")
        audience = self._audience(obligations, loaded.keys_of_people)
        k = obligations.k

        def compute() -> tuple[Report, tuple[CellCorrelation, ...]]:
            scores = pd.DataFrame(
                {key: {r: num / den for r, (num, den) in loaded.parts[key].items() if den} for key in keys}
            ).dropna()
            matrices: list[tuple[int, pd.DataFrame]] = []

            def value_of(members: frozenset[str]) -> float:
                rows = scores.loc[scores.index.isin(members)]
                matrices.append((len(rows), rows.corr()))
                return float(len(matrices) - 1)

            report = build_report(loaded.population, audience, k, by, filters, value_of)
            found = []
            for cell in report.cells:
                if cell.suppressed or cell.value is None:
                    found.append(CellCorrelation(cell.group, None, None, True, cell.reason))
                    continue
                n, matrix = matrices[int(cell.value)]
                if n < k:
                    unanswered = _REASON_UNANSWERED.format(k=k)
                    found.append(CellCorrelation(cell.group, None, None, True, unanswered))
                else:
                    found.append(CellCorrelation(cell.group, n, matrix, False, None))
            return report, tuple(found)

        # Kept per data version and audience like the survey's cells; the read is audited every time.
        key = ("survey_correlations", survey.id, tuple(keys), tuple(by), tuple(sorted(filters.items())), k)
        report, found = snapshots.cached(self.session, (*key, *self._audience_key(obligations)), compute)
        self._audit_aggregate("survey", {**detail, "scope": audience.scope.value}, report)
        return list(found)

    def comment_themes(self, survey_id: int | str | None = None) -> dict[str, ThemeVoice]:
        """Organisation-wide voice per comment theme for one survey's comments."""
        return {theme: cells[0] for theme, cells in self.comment_theme_cells((), survey_id).items()}

    def comment_theme_cells(
        self, by: Sequence[str] = (), survey_id: int | str | None = None
    ) -> dict[str, list[ThemeVoice]]:
        """Voice per comment theme and cell of a breakdown for one survey's comments: share of the
        cell's themed comments and mean sentiment, k_comments-suppressed over the people who wrote
        them (a comment without a known author counts as a person of its own). Empty when no comment
        is scored yet."""
        survey = self._survey(survey_id)
        detail = {"survey": survey.code, "metric": "theme_voice", "by": list(by)}
        obligations = self._authorize_aggregate("comments", by, {}, detail)
        voices = snapshots.cached(
            self.session,
            ("theme_voices", survey.id, tuple(by), obligations.k, *self._audience_key(obligations)),
            lambda: self._theme_voices(survey, by, obligations),
        )
        voices = {theme: list(cells) for theme, cells in voices.items()}  # the cached copy stays as it is
        if voices:
            self._audit_aggregate(
                "comments", {**detail, "scope": obligations.scope.value}, Report([], obligations.k)
            )
        return voices

    def _audience_key(self, obligations: Obligations) -> tuple[str, int | None]:
        """What an aggregate's answer depends on besides the data: the scope, and for a manager's
        team who they are (their reporting line, their own answers)."""
        own = obligations.scope is Scope.OWN_SUBTREE
        return obligations.scope.value, self.actor.person_id if own else None

    def _theme_voices(
        self, survey: Survey, by: Sequence[str], obligations: Obligations
    ) -> dict[str, list[ThemeVoice]]:
        rows = self.session.execute(
            select(
                Comment.id, Comment.person_id, Comment.org_unit_id, CommentTheme.theme, CommentTheme.sentiment
            )
            .join(CommentTheme, CommentTheme.comment_id == Comment.id)
            .where(Comment.survey_id == survey.id)
        ).all()
        if not rows:
            return {}
        facts = load_person_facts(self.session)
        tree = load_unit_tree(self.session)
        as_of = survey.closed_on or survey.opened_on or dt.date.today()
        authors = {r.id: f"p{r.person_id}" if r.person_id is not None else f"c{r.id}" for r in rows}
        units = {authors[r.id]: (r.person_id, r.org_unit_id) for r in rows}
        population = tuple(
            Member(key, dimensions(facts.get(person) if person is not None else None, unit, tree, as_of))
            for key, (person, unit) in units.items()
        )
        audience = self._audience(obligations, {p: key for key, (p, _) in units.items() if p is not None})
        k = obligations.k
        themed = {r.id for r in rows}
        voices: dict[str, list[ThemeVoice]] = {}
        for theme in sorted({r.theme for r in rows}):
            scores = [(authors[r.id], r.sentiment) for r in rows if r.theme == theme]

            def share(members: frozenset[str], scores: list[tuple[str, float]] = scores) -> float:
                mine = sum(1 for a, _ in scores if a in members)
                return mine / max(sum(1 for c in themed if authors[c] in members), 1)

            def sentiment(members: frozenset[str], scores: list[tuple[str, float]] = scores) -> float:
                mine = [v for a, v in scores if a in members]
                writers = {a for a, _ in scores if a in members}
                return sum(mine) / len(mine) if len(writers) >= k else float("nan")

            def count(members: frozenset[str], scores: list[tuple[str, float]] = scores) -> float:
                return float(sum(1 for a, _ in scores if a in members))

            shares = build_report(population, audience, k, by, {}, share).cells
            moods = build_report(population, audience, k, by, {}, sentiment).cells
            counts = build_report(population, audience, k, by, {}, count).cells
            voices[theme] = [
                _theme_voice(theme, cell, _unanswered(mood, k), counted)
                for cell, mood, counted in zip(shares, moods, counts, strict=True)
            ]
        return voices

    def survey(self, survey_id: int | str | None = None) -> Survey:
        """A survey's description (not personal data): by id or code, the latest by default."""
        return self._survey(survey_id)

    def previous_survey(self, survey: Survey) -> Survey | None:
        """The cycle before: the latest survey of the same kind opened earlier."""
        if survey.opened_on is None:
            return None
        if survey.id not in self._previous:
            self._previous[survey.id] = self.session.scalars(
                select(Survey)
                .where(Survey.kind == survey.kind, Survey.opened_on < survey.opened_on)
                .order_by(Survey.opened_on.desc(), Survey.id.desc())
                .limit(1)
            ).first()
        return self._previous[survey.id]

    def _respondents(self, survey: Survey, measures: tuple[SurveyMetric, ...]) -> _Respondents:
        """A survey's respondents for some measures, loaded once per data version: a dashboard asks
        for many breakdowns of the same population, request after request."""
        return snapshots.cached(
            self.session,
            ("respondents", survey.id, tuple(m.key for m in measures)),
            lambda: self._load_respondents(survey, measures),
        )

    def _load_respondents(self, survey: Survey, measures: tuple[SurveyMetric, ...]) -> _Respondents:
        answers = self._answers(survey, sorted({kind for m in measures for kind in m.kinds}))
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
        population = tuple(
            Member(key, dimensions(facts.get(person) if person is not None else None, unit, tree, as_of))
            for key, person, unit in rows
        )
        keys_of_people = {person: key for key, person, _ in rows if person is not None}
        parts = {m.key: m.per_respondent(answers) for m in measures}
        return _Respondents(population, keys_of_people, parts)

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
        obligations = self._authorize_aggregate(
            "hris", by, filters, detail, town_hall=town_hall, public=TOWN_HALL_STRUCTURE
        )
        active = snapshots.employed(self.session, day)

        def count() -> Report:
            audience = (
                Audience(Scope.SELF)
                if town_hall
                else self._audience(obligations, {person: str(person) for person in active.ids})
            )
            return build_report(
                active.population,
                audience,
                obligations.k,
                by,
                filters,
                lambda members: float(len(members)),
                structure=True,
            )

        # A home page counts three breakdowns on every view: each answer is kept per audience.
        whose = ("town hall", None) if town_hall else self._audience_key(obligations)
        key = ("headcount", day, tuple(by), repr(sorted(filters.items())), obligations.k, *whose)
        kept = snapshots.cached(self.session, key, count)
        report = Report(list(kept.cells), kept.k)  # the cached copy stays as it is
        scope = Scope.SELF if town_hall else obligations.scope
        self._audit_aggregate("hris", {**detail, "scope": scope.value}, report)
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
        if survey_id not in self._surveys:
            self._surveys[survey_id] = self._find_survey(survey_id)
        return self._surveys[survey_id]

    def _find_survey(self, survey_id: int | str | None) -> Survey:
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
                Question.driver,
                Question.code.label("item"),
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
                "driver",
                "item",
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

    def people(
        self, org_unit_code: str | None = None, include_exited: bool = False, manager_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Records of everyone in the actor's scope (a manager: their subtree), fields per the charter;
        `manager_id` reads only that manager's direct reports (and audits only those)."""
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
        if manager_id is not None:
            query = query.where(Person.manager_id == manager_id)
        if org_unit_code is not None:
            query = query.join(OrgUnit, OrgUnit.id == Person.org_unit_id).where(OrgUnit.code == org_unit_code)
        records = [self._shape(p, obligations) for p in self.session.scalars(query)]
        audit.record(
            self.session,
            self.actor,
            Action.READ_INDIVIDUAL.value,
            "hris",
            purpose=self.purpose,
            detail={
                "records": len(records),
                "org_unit": org_unit_code,
                "scope": obligations.scope.value,
                # Each person's access log finds this read by their HRIS id (policy.access_log).
                "subjects": [r["hris_id"] for r in records],
            },
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


_REASON_UNANSWERED = "fewer than {k} people answered these items"


def _unanswered(cell: Cell, k: int) -> Cell:
    """A visible cell whose measure fewer than k members answered is suppressed for that measure."""
    if cell.suppressed or cell.value is None or not pd.isna(cell.value):
        return cell
    return Cell(cell.group, None, None, True, _REASON_UNANSWERED.format(k=k))


def _theme_voice(theme: str, shares: Cell, moods: Cell, counts: Cell) -> ThemeVoice:
    visible = not (shares.suppressed or moods.suppressed or counts.suppressed)
    return ThemeVoice(
        theme,
        moods.n if visible else None,
        shares.value if visible else None,
        moods.value if visible else None,
        not visible,
        None if visible else moods.reason or shares.reason,
        dict(shares.group),
        int(counts.value) if visible and counts.value is not None else None,
    )


def _optional_int(value: Any) -> int | None:
    """Ids come back from pandas as floats with NaN for missing."""
    return None if pd.isna(value) else int(value)
