"""Who answers for a team: the accountable manager of each org unit, and which units an actor may
explain (annotate) or be asked about.

A flag on a team's work patterns goes to the person the team reports to, never to the team's
members. The rule reads the reporting lines (employee records), so it lives in the policy layer:
services get unit ids and user ids, never the people behind them.

Who may add context comes from the charter: the roles it opens the `context_requests` page to
(managers) explain units in their own reporting subtree; roles it opens the `metrics` page to
(analysts) may explain any unit. Everyone else is refused, and the refusal is audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.policy import snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, Decision, deny, enforce
from peoplealign.policy.scope import Scope
from peoplealign.store.models import OrgUnit, Person, User

CONTEXT_VIEW = "context_requests"
ORGANISATION_VIEW = "metrics"
RESOURCE = "team_context"


def accountable_managers(session: Session) -> dict[int, int]:
    """Unit id -> the person who answers for it: the member of the unit with the most people
    reporting to them (directly or not) inside the unit and the units below it, which is the team
    lead of a team and the head of a department; for a unit with no manager among its members,
    the person most of its members report to. Worked out once per data version (a walk up every
    reporting chain: most of a manager's page at 5,000 people); callers must not change it."""
    return snapshots.cached(session, "accountable_managers", lambda: _accountable_managers(session))


def _accountable_managers(session: Session) -> dict[int, int]:
    people = session.execute(
        select(Person.id, Person.org_unit_id, Person.manager_id).where(Person.exit_date.is_(None))
    ).all()
    parents = dict(session.execute(select(OrgUnit.id, OrgUnit.parent_id)).tuples().all())
    unit_of = {p.id: p.org_unit_id for p in people}
    managers = {p.id: p.manager_id for p in people}
    reach: dict[int, Counter[int]] = {}  # unit -> member -> people below them in the unit's subtree
    direct: dict[int, Counter[int]] = {}  # unit -> manager -> members reporting directly
    for person, unit in unit_of.items():
        if unit is None:
            continue
        boss = managers.get(person)
        if boss is not None:
            direct.setdefault(unit, Counter())[boss] += 1
        seen: set[int] = set()
        while boss is not None and boss not in seen:
            seen.add(boss)
            home = unit_of.get(boss)
            if home is not None and _contains(parents, home, unit):
                reach.setdefault(home, Counter())[boss] += 1
            boss = managers.get(boss)
    found: dict[int, int] = {}
    for unit in set(reach) | set(direct):
        counts = reach.get(unit) or direct[unit]
        # Ties go to the lower id so the addressee is stable between runs.
        found[unit] = min(counts, key=lambda p: (-counts[p], p))
    return found


def _contains(parents: Mapping[int, int | None], ancestor: int, unit: int) -> bool:
    """Whether `unit` is `ancestor` or below it in the unit tree."""
    seen: set[int] = set()
    current: int | None = unit
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def units_in_charge(session: Session, person_id: int | None) -> frozenset[int]:
    """Units whose accountable manager is this person or someone in their reporting subtree."""
    if person_id is None:
        return frozenset()
    below = snapshots.team(session, person_id) | {person_id}
    return frozenset(unit for unit, head in accountable_managers(session).items() if head in below)


def addressees(session: Session, unit_ids: set[int]) -> dict[int, list[int]]:
    """Unit id -> active user ids of its accountable manager: who a context request goes to."""
    heads = {u: p for u, p in accountable_managers(session).items() if u in unit_ids}
    users: dict[int, list[int]] = {}
    for user_id, person in session.execute(
        select(User.id, User.person_id).where(
            User.is_active.is_(True), User.person_id.in_(set(heads.values()))
        )
    ):
        users.setdefault(int(person), []).append(int(user_id))
    return {u: sorted(users.get(p, [])) for u, p in heads.items()}


def explainable_units(session: Session, charter: CharterDocument, actor: Actor) -> frozenset[int] | None:
    """The units an actor may add context to: None means every unit; empty means none."""
    views = charter.views_for(actor.roles)
    if actor.is_system or (
        ORGANISATION_VIEW in views and Scope(charter.scope_for(actor.roles)) is Scope.ORGANISATION
    ):
        return None
    if CONTEXT_VIEW in views:
        return units_in_charge(session, actor.person_id)
    return frozenset()


def require_explainable(
    session: Session, charter: CharterDocument, actor: Actor, unit_id: int, action: str, purpose: str
) -> None:
    """Refuse (audited) unless the actor may add context to this unit."""
    allowed = explainable_units(session, charter, actor)
    if allowed is None or unit_id in allowed:
        return
    code = session.scalar(select(OrgUnit.code).where(OrgUnit.id == unit_id)) or str(unit_id)
    views = charter.views_for(actor.roles)
    if CONTEXT_VIEW in views:
        decision = Decision(
            False,
            f"unit {code} is not in the actor's own reporting subtree",
            f"audiences.*.views: {CONTEXT_VIEW} (own_subtree)",
        )
    else:
        decision = Decision(
            False,
            "only managers (for their own teams) and analysts add context to team metrics",
            f"audiences.*.views: {CONTEXT_VIEW} / {ORGANISATION_VIEW}",
        )
    deny(session, actor, action, RESOURCE, purpose, decision, subject=code)


def readable_units(
    session: Session, charter: CharterDocument, actor: Actor, purpose: str
) -> frozenset[int] | None:
    """Units whose stored team-level work-pattern results (flags, their values) the actor may read:
    the charter must allow activity aggregates to the actor's roles for the purpose (refusal audited
    and raised); a manager reads the units they answer for, organisation-scope roles every unit
    (None)."""
    obligations = enforce(session, charter, actor, Action.READ_AGGREGATE, "activity", purpose)
    if obligations.scope is Scope.ORGANISATION:
        return None
    if obligations.scope is Scope.OWN_SUBTREE:
        return units_in_charge(session, actor.person_id)
    return frozenset()


def unit_names(session: Session, unit_ids: Iterable[int]) -> Mapping[int, tuple[str, str]]:
    """Unit id -> (code, name): organisation structure, not personal data, so the whole table is kept
    per data version (a few hundred rows) instead of being queried on every page."""

    def load() -> dict[int, tuple[str, str]]:
        rows = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name))
        return {int(r.id): (r.code, r.name) for r in rows}

    names = snapshots.cached(session, "unit_names", load)
    return {u: names[u] for u in unit_ids if u in names}
