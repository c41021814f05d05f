"""The demo's metric workshop: the demo analyst opens it with the demo manager, the demo employee
and three more managers, proposes five library metrics, and the participants agree on three core
KPIs through real votes (one after a suggested parameter change). Two metrics stay open so the
demo manager has something to vote on in the browser."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.accounts.roles import ALL_ROLES
from peoplealign.demo.names import EMAIL_DOMAIN
from peoplealign.demo.users import role_user
from peoplealign.metrics import workshops
from peoplealign.metrics.definitions import spec_for_measure
from peoplealign.policy.actor import Actor
from peoplealign.store.models import User, Workshop

TITLE = "Core KPIs for next year"
AGREED = ("retention", "burnout_risk_index", "team_collaboration")
LEFT_OPEN = ("internal_mobility", "time_to_proficiency")
OTHER_MANAGERS = 3
ROLE_EMAILS = [f"{role}@{EMAIL_DOMAIN}" for role in ALL_ROLES]


def run_demo_workshop(session: Session) -> int | None:
    """The workshop's id, or None when it exists already or the demo logins are missing."""
    if session.scalar(select(Workshop.id).limit(1)) is not None:
        return None
    analyst, manager, employee = (role_user(session, r) for r in ("analyst", "manager", "employee"))
    if analyst is None or manager is None or employee is None:
        return None
    others = session.scalars(
        select(User).where(User.email.not_in(ROLE_EMAILS), User.is_active).order_by(User.id)
    )
    voters = [u for u in others if "manager" in u.roles][:OTHER_MANAGERS]
    if len(voters) < OTHER_MANAGERS:
        return None
    facilitator = Actor.from_user(analyst)
    workshop = workshops.open_workshop(
        session, facilitator, TITLE, [manager.email, employee.email, *(u.email for u in voters)]
    )
    current = {
        key: workshops.propose(session, facilitator, workshop.id, spec_for_measure(key))
        for key in (*AGREED, *LEFT_OPEN)
    }
    first, second, third = (Actor.from_user(u) for u in voters)
    ic = Actor.from_user(employee)
    _, current["burnout_risk_index"] = workshops.review(
        session,
        first,
        current["burnout_risk_index"].id,
        "suggest",
        parameters={"window_days": 60},
        rating=4,
        comment="Two months reacts faster to a crunch than a quarter does.",
    )
    for key, rating in zip(AGREED, (4, 5, 3), strict=True):
        for voter in (first, second, third, ic):
            workshops.review(session, voter, current[key].id, "approve", rating=rating)
        workshops.finalize(session, facilitator, current[key].id)
    workshops.review(
        session,
        second,
        current["time_to_proficiency"].id,
        "object",
        reason="Teams record the proficiency milestone differently; agree on one definition first.",
        rating=2,
    )
    workshops.review(session, ic, current["internal_mobility"].id, "approve", rating=4)
    return workshop.id
