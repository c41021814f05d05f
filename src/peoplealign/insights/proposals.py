"""The analyses that feed the human queue, run together (by `peoplealign up` on the demo, or by a
scheduler): skill gaps become development initiatives, strained teams rebalancing suggestions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from peoplealign.insights import skills, wellbeing
from peoplealign.policy.actor import Actor
from peoplealign.policy.workforce_access import WorkforceData


def propose_insight_recommendations(session: Session, actor: Actor, as_of: dt.date | None = None) -> int:
    """How many recommendations the queue holds for the current findings (none are duplicated)."""
    development = WorkforceData(session, actor, skills.DEVELOPMENT_PURPOSE)
    gaps = skills.recommend_development(development, skills.skill_gaps(development, as_of))
    balance = WorkforceData(session, actor, wellbeing.WELLBEING_PURPOSE)
    rebalance = wellbeing.recommend_rebalancing(balance, wellbeing.wellbeing_balance(balance, as_of))
    return len(gaps) + len(rebalance)
