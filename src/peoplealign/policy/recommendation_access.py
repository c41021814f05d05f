"""Who may see and act on which recommendation, decided by the charter like any read of personal data.

A recommendation is derived from one data source, so it is exactly as visible as that source:
- a stay interview comes from a flight-risk estimate: only roles the charter gives individual
  `flight_risk` access (raw access to derived insights) see it, for a retention conversation;
- a development offer for one person comes from their skills: roles with individual skills access
  (a manager: their reporting line only);
- a rebalance or coaching suggestion is about a team's work patterns, never a person: roles with
  aggregate access to work patterns, a manager only for a unit whose people all report to them.

Listing the queue audits one event per data source naming every person it showed (`subjects`), so
each of them finds it in their access log; opening or acting on one recommendation that the actor may
not see is refused and audited like any denied read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.errors import NotFoundError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, Decision, Obligations, authorize, deny
from peoplealign.policy.scope import Scope, manager_map, subtree
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
class Visible:
    """A recommendation the actor may see, with the names the charter lets them see."""

    row: Recommendation
    rule: KindRule
    subject_hris_id: str | None
    subject_name: str | None
    org_unit_name: str | None


def _kind_rule(kind: str) -> KindRule | None:
    return KIND_RULES.get(kind)


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
            self._line = frozenset() if me is None else subtree(manager_map(self.session), me) | {me}
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

    def _refusal(self, row: Recommendation) -> Decision | None:
        """Why the actor may not see this recommendation, or None if they may."""
        rule = _kind_rule(row.kind)
        if rule is None:
            return Decision(
                False,
                f"no data source is known for recommendations of kind {row.kind!r}",
                "policy.recommendation_access.KIND_RULES",
            )
        decision = self._decision(rule, row.subject_person_id is not None)
        if not decision.allowed or decision.obligations is None:
            return decision
        if decision.obligations.scope is Scope.ORGANISATION:
            return None
        line = self._reporting_line()
        if row.subject_person_id is not None:
            if row.subject_person_id in line and row.subject_person_id != self.actor.person_id:
                return None
            return Decision(
                False, "the person is outside the actor's own reporting subtree", "audiences.*.scope"
            )
        people = self._people_by_unit().get(row.org_unit_id or -1, set())
        if decision.obligations.scope is Scope.OWN_SUBTREE and people and people <= line:
            return None
        return Decision(
            False, "the unit's people do not all report to the actor", "audiences.*.scope (own_subtree)"
        )

    def _obligations(self, row: Recommendation) -> Obligations:
        rule = _kind_rule(row.kind)
        assert rule is not None
        obligations = self._decision(rule, row.subject_person_id is not None).obligations
        assert obligations is not None
        return obligations

    def _visible(self, row: Recommendation) -> Visible:
        rule = _kind_rule(row.kind)
        assert rule is not None
        person = self.session.get(Person, row.subject_person_id) if row.subject_person_id else None
        unit = self.session.get(OrgUnit, row.org_unit_id) if row.org_unit_id else None
        hidden = "name" in self._obligations(row).redact_fields
        return Visible(
            row,
            rule,
            person.hris_id if person else None,
            (REDACTED if hidden else person.name) if person else None,
            unit.name if unit else None,
        )

    def _load_named(self, rows: Sequence[Recommendation]) -> list[Person | OrgUnit]:
        """The people and units the rows name, in two queries instead of two per row."""
        people = {r.subject_person_id for r in rows if r.subject_person_id}
        units = {r.org_unit_id for r in rows if r.org_unit_id}
        loaded: list[Person | OrgUnit] = []
        if people:
            loaded.extend(self.session.scalars(select(Person).where(Person.id.in_(people))))
        if units:
            loaded.extend(self.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(units))))
        return loaded

    def queue(self, statuses: Iterable[str], kinds: Iterable[str] | None = None) -> list[Visible]:
        """Recommendations of these statuses that the actor may see, newest first; audited per source."""
        query = (
            select(Recommendation)
            .where(Recommendation.status.in_(list(statuses)))
            .order_by(Recommendation.created_at.desc(), Recommendation.id.desc())
        )
        if kinds is not None:
            query = query.where(Recommendation.kind.in_(list(kinds)))
        rows = [r for r in self.session.scalars(query) if self._refusal(r) is None]
        named = self._load_named(rows)  # held so the session's identity map keeps them for `_visible`
        shown = [self._visible(r) for r in rows]
        del named
        by_source: dict[tuple[str, str], list[Visible]] = {}
        for item in shown:
            by_source.setdefault((item.rule.source, item.rule.purpose), []).append(item)
        for (source, purpose), items in sorted(by_source.items()):
            individual = any(i.subject_hris_id for i in items)
            audit.record(
                self.session,
                self.actor,
                (Action.READ_INDIVIDUAL if individual else Action.READ_AGGREGATE).value,
                source,
                purpose=purpose,
                detail={
                    "recommendations": [i.row.id for i in items],
                    "subjects": sorted({i.subject_hris_id for i in items if i.subject_hris_id}),
                },
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
        refusal = self._refusal(row)
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
        visible = self._visible(row)
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
