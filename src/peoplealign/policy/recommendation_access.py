"""Who may see and act on which recommendation, decided by the charter like any read of personal data.

A recommendation is derived from one data source, so it is exactly as visible as that source:
- a stay interview comes from a flight-risk estimate: only roles the charter gives individual
  `flight_risk` access (raw access to derived insights) see it, for a retention conversation;
- a development offer for one person comes from their skills: roles with individual skills access
  (a manager: their reporting line only);
- a rebalance or coaching suggestion is about a team's work patterns, never a person: roles with
  aggregate access to work patterns, a manager only for a unit whose people all report to them.

The audit says what was disclosed. Listing the queue (`queue`, for counts and paging) discloses how
many recommendations of each kind there are, not whom they are about: it audits one aggregate read per
data source with those counts. Loading recommendations in full (`details`: the fifty rows of a page,
the whole queue for the API) discloses the people: it audits one read per data source naming each
recommendation and person shown (`subjects`), so each of them, and only they, find it in their access
log. Opening or acting on one recommendation that the actor may not see is refused and audited like
any denied read.

At 5,000 people the queue holds hundreds of recommendations: which of them an audience may see, and
by which names, is judged once per data version (`policy.snapshots`), keyed by the charter's decisions
for the actor and, for a reporting line, by who they are. Statuses are read afresh on every call and
every call is audited, so the cache changes neither what anyone sees nor what the trail records.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.errors import NotFoundError
from peoplealign.policy import audit, snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, Decision, authorize, deny
from peoplealign.policy.scope import Scope
from peoplealign.store.models import OrgUnit, Person, Recommendation

REDACTED = "[redacted]"


@dataclass(frozen=True)
class KindRule:
    """The data source a kind of recommendation is derived from and the purpose it serves;
    `individual` kinds need individual access even without a named person (flight risk is only ever
    about one person)."""

    source: str
    purpose: str
    individual: bool


KIND_RULES: Mapping[str, KindRule] = {
    "stay_interview": KindRule("predictions", "retention_conversation", True),
    "development": KindRule("skills", "development", False),
    "rebalance": KindRule("activity", "wellbeing", False),
    "coaching": KindRule("activity", "wellbeing", False),
}


@dataclass(frozen=True)
class Named:
    """Who or which team a recommendation is about, with the names the charter lets the actor see."""

    rule: KindRule
    subject_hris_id: str | None
    subject_name: str | None
    org_unit_name: str | None


@dataclass(frozen=True)
class Visible:
    """A recommendation the actor may see, in full."""

    row: Recommendation
    named: Named


class Listed(NamedTuple):
    """A recommendation in the actor's queue: its state as read now, its kind and the data source it
    comes from, enough to count and page. Neither whom it is about nor its text: the listing is audited
    as counts, so a person is shown only through `details`, which audits who was shown. A tuple:
    hundreds are made per request."""

    id: int
    kind: str
    status: str
    snoozed_until: dt.date | None
    created_at: dt.datetime
    rule: KindRule


class _About(NamedTuple):
    """What visibility depends on: set when a recommendation is made, never changed by acting on it."""

    id: int
    kind: str
    subject_person_id: int | None
    org_unit_id: int | None


@dataclass(frozen=True)
class _Judged:
    """The names of the recommendations an audience may see, among those `judged`."""

    names: Mapping[int, Named]
    judged: frozenset[int]


_ABOUT = (
    Recommendation.id,
    Recommendation.kind,
    Recommendation.subject_person_id,
    Recommendation.org_unit_id,
)


def _kind_rule(kind: str) -> KindRule | None:
    return KIND_RULES.get(kind)


def _asleep(status: str, snoozed_until: dt.date | None, awake_on: dt.date | None) -> bool:
    """Snoozed to a day after `awake_on` (never, without one)."""
    if awake_on is None or status != "snoozed" or snoozed_until is None:
        return False
    return snoozed_until > awake_on


class RecommendationAccess:
    """Reads of recommendations on behalf of one actor."""

    def __init__(self, session: Session, actor: Actor, charter: CharterDocument) -> None:
        self.session = session
        self.actor = actor
        self.charter = charter
        self._decisions: dict[str, Decision] = {}
        self._line: frozenset[int] | None = None
        self._unit_people: dict[int, set[int]] | None = None

    def _decision(self, rule: KindRule, about_person: bool) -> Decision:
        action = Action.READ_INDIVIDUAL if rule.individual or about_person else Action.READ_AGGREGATE
        key = f"{rule.source}:{rule.purpose}:{action.value}"
        if key not in self._decisions:
            self._decisions[key] = authorize(self.charter, self.actor, action, rule.source, rule.purpose)
        return self._decisions[key]

    def _reporting_line(self) -> frozenset[int]:
        if self._line is None:
            me = self.actor.person_id
            self._line = frozenset() if me is None else snapshots.team(self.session, me) | {me}
        return self._line

    def _people_by_unit(self) -> dict[int, set[int]]:
        """Active people in each unit's whole subtree of units."""
        if self._unit_people is None:
            parents = dict(self.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).tuples().all())
            direct: dict[int, set[int]] = {}
            for person_id, unit_id in self.session.execute(
                select(Person.id, Person.org_unit_id).where(Person.exit_date.is_(None))
            ).tuples():
                if unit_id is not None:
                    direct.setdefault(unit_id, set()).add(person_id)
            found: dict[int, set[int]] = {}
            for unit_id, members in direct.items():
                seen: set[int] = set()
                current: int | None = unit_id
                while current is not None and current not in seen:
                    seen.add(current)
                    found.setdefault(current, set()).update(members)
                    current = parents.get(current)
            self._unit_people = found
        return self._unit_people

    def _refusal(self, about: _About) -> Decision | None:
        """Why the actor may not see this recommendation, or None if they may."""
        rule = _kind_rule(about.kind)
        if rule is None:
            return Decision(
                False,
                f"no data source is known for recommendations of kind {about.kind!r}",
                "policy.recommendation_access.KIND_RULES",
            )
        decision = self._decision(rule, about.subject_person_id is not None)
        if not decision.allowed or decision.obligations is None:
            return decision
        if decision.obligations.scope is Scope.ORGANISATION:
            return None
        line = self._reporting_line()
        if about.subject_person_id is not None:
            if about.subject_person_id in line and about.subject_person_id != self.actor.person_id:
                return None
            return Decision(
                False, "the person is outside the actor's own reporting subtree", "audiences.*.scope"
            )
        people = self._people_by_unit().get(about.org_unit_id or -1, set())
        if decision.obligations.scope is Scope.OWN_SUBTREE and people and people <= line:
            return None
        return Decision(
            False, "the unit's people do not all report to the actor", "audiences.*.scope (own_subtree)"
        )

    def _judge(self, abouts: Sequence[_About]) -> _Judged:
        """Refuse or name each recommendation; names of people and units in two queries in all."""
        shown = [a for a in abouts if self._refusal(a) is None]
        people_ids = {a.subject_person_id for a in shown if a.subject_person_id}
        unit_ids = {a.org_unit_id for a in shown if a.org_unit_id}
        people = (
            {
                r.id: (r.hris_id, r.name)
                for r in self.session.execute(
                    select(Person.id, Person.hris_id, Person.name).where(Person.id.in_(people_ids))
                )
            }
            if people_ids
            else {}
        )
        units = (
            dict(
                self.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(unit_ids)))
                .tuples()
                .all()
            )
            if unit_ids
            else {}
        )
        names = {}
        for about in shown:
            rule = _kind_rule(about.kind)
            assert rule is not None
            obligations = self._decision(rule, about.subject_person_id is not None).obligations
            assert obligations is not None
            hris_id, name = people.get(about.subject_person_id or -1, (None, None))
            if name is not None and "name" in obligations.redact_fields:
                name = REDACTED
            names[about.id] = Named(rule, hris_id, name, units.get(about.org_unit_id or -1))
        return _Judged(names, frozenset(a.id for a in abouts))

    def _audience_key(self) -> tuple[Hashable, ...]:
        """Everything the judgement depends on besides the data: the charter's decision for each kind
        (which holds the roles, the scope and the redactions), and who the actor is when any decision
        reaches only their own reporting line."""
        decisions = tuple(
            self._decision(rule, about_person)
            for rule in KIND_RULES.values()
            for about_person in (False, True)
        )
        narrow = any(
            d.obligations is not None and d.obligations.scope is not Scope.ORGANISATION for d in decisions
        )
        return ("recommendation_names", decisions, self.actor.person_id if narrow else None)

    def _names(self, rows: Sequence[Sequence[Any]]) -> Mapping[int, Named]:
        """The names of the recommendations the actor may see among `rows` (each starting with the
        `_ABOUT` columns). Which ones an audience may see is judged once for all of them and kept while
        the tables the judgement read are unchanged (an action on a recommendation writes to its table,
        so it drops the judgement too); one added by another transaction meanwhile, unknown to that
        judgement, is judged now."""
        every = snapshots.cached(
            self.session,
            self._audience_key(),
            lambda: self._judge([_About(*r) for r in self.session.execute(select(*_ABOUT)).tuples()]),
        )
        unknown = [_About(*r[:4]) for r in rows if r[0] not in every.judged]
        return {**every.names, **self._judge(unknown).names} if unknown else every.names

    def queue(self, statuses: Iterable[str], *, awake_on: dt.date | None = None) -> list[Listed]:
        """Recommendations of these statuses that the actor may see, newest first, audited per source
        as an aggregate read of how many of each kind were listed: the listing names no one. With
        `awake_on`, snoozed ones whose date is later are left out here, so the counts audited are those
        the caller gets. Their state is read on every call, so an action shows at once."""
        query = (
            select(*_ABOUT, Recommendation.status, Recommendation.snoozed_until, Recommendation.created_at)
            .where(Recommendation.status.in_(list(statuses)))
            .order_by(Recommendation.created_at.desc(), Recommendation.id.desc())
        )
        rows = self.session.execute(query).tuples().all()
        names = self._names(rows)
        shown = [
            Listed(id_, kind, status, snoozed_until, created_at, names[id_].rule)
            for id_, kind, _, _, status, snoozed_until, created_at in rows
            if id_ in names and not _asleep(status, snoozed_until, awake_on)
        ]
        by_source: dict[tuple[str, str], Counter[str]] = {}
        for item in shown:
            by_source.setdefault((item.rule.source, item.rule.purpose), Counter())[item.kind] += 1
        for (source, purpose), kind_counts in sorted(by_source.items()):
            audit.record(
                self.session,
                self.actor,
                Action.READ_AGGREGATE.value,
                source,
                purpose=purpose,
                detail={"listed": kind_counts.total(), "kinds": dict(sorted(kind_counts.items()))},
            )
        return shown

    def details(self, listed: Sequence[Listed]) -> list[Visible]:
        """The full recommendations behind entries `queue` listed, in their order; visibility is
        checked again, so an entry made up by a caller reveals nothing. Audited per source as a read
        naming every recommendation and person returned, and no other."""
        ids = [entry.id for entry in listed]
        rows = {
            r.id: r for r in self.session.scalars(select(Recommendation).where(Recommendation.id.in_(ids)))
        }
        names = self._names([(r.id, r.kind, r.subject_person_id, r.org_unit_id) for r in rows.values()])
        shown = [Visible(rows[i], names[i]) for i in ids if i in rows and i in names]
        by_source: dict[tuple[str, str], list[Visible]] = {}
        for visible in shown:
            by_source.setdefault((visible.named.rule.source, visible.named.rule.purpose), []).append(visible)
        for (source, purpose), items in sorted(by_source.items()):
            subjects = sorted({h for i in items if (h := i.named.subject_hris_id)})
            audit.record(
                self.session,
                self.actor,
                (Action.READ_INDIVIDUAL if subjects else Action.READ_AGGREGATE).value,
                source,
                purpose=purpose,
                detail={"recommendations": [i.row.id for i in items], "subjects": subjects},
            )
        return shown

    def get(self, recommendation_id: int, *, purpose_detail: Mapping[str, Any] | None = None) -> Visible:
        """One recommendation, or a refusal (audited) if the charter does not let the actor see it."""
        row = self.session.get(Recommendation, recommendation_id)
        if row is None:
            raise NotFoundError(f"no recommendation with id {recommendation_id}")
        rule = _kind_rule(row.kind)
        subject = self.session.get(Person, row.subject_person_id) if row.subject_person_id else None
        subject_key = subject.hris_id if subject else None
        about = _About(row.id, row.kind, row.subject_person_id, row.org_unit_id)
        refusal = self._refusal(about)
        if refusal is not None:
            deny(
                self.session,
                self.actor,
                Action.READ_INDIVIDUAL.value
                if rule is None or rule.individual or subject_key
                else Action.READ_AGGREGATE.value,
                rule.source if rule else "recommendation",
                rule.purpose if rule else "unknown",
                refusal,
                subject=subject_key,
                detail={"recommendation": row.id, **(purpose_detail or {})},
            )
        assert rule is not None
        visible = Visible(row, self._judge([about]).names[row.id])
        audit.record(
            self.session,
            self.actor,
            (Action.READ_INDIVIDUAL if subject_key else Action.READ_AGGREGATE).value,
            rule.source,
            subject=subject_key,
            purpose=rule.purpose,
            detail={"recommendation": row.id, **(purpose_detail or {})},
        )
        return visible
