"""The demo's flight-risk step: train once as the demo analyst so the HR partner's queue has stay
interviews to explore.

The demo organisation's exits follow tenure and its planted burnout department, so the model's high
band is not balanced across age bands and the fairness gate refuses it. The demo then shows the
governed way through, not a quieter threshold: the demo executive records an override whose
rationale says it is a demo, which is audited and printed on the model card.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.demo.stories import SETTING_KEY
from peoplealign.demo.users import role_user
from peoplealign.errors import InvalidInputError
from peoplealign.insights.model_card import record_override
from peoplealign.insights.risk_training import queue_stay_interviews, train_flight_risk
from peoplealign.policy.actor import Actor
from peoplealign.policy.risk_access import RISK_MODEL
from peoplealign.store.models import AppSetting, ModelCard

DEMO_OVERRIDE = (
    "Demo organisation only: the fairness gate refused this version (its high band follows tenure, "
    "so younger age bands are flagged more often). It is put in use so the stay-interview queue can be "
    "explored; a real deployment must fix or accept this with the works council."
)


def train_demo_flight_risk(session: Session) -> str | None:
    """The version trained now; None when the demo already has one, lacks its users or is too small."""
    if session.scalar(select(ModelCard.id).where(ModelCard.model_name == RISK_MODEL)) is not None:
        return None
    analyst, executive = (role_user(session, role) for role in ("analyst", "executive"))
    if analyst is None or executive is None:
        return None
    setting = session.get(AppSetting, SETTING_KEY)
    stories = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    as_of = dt.date.fromisoformat(stories["as_of"]) if "as_of" in stories else None
    try:
        result = train_flight_risk(session, Actor.from_user(analyst), as_of)
    except InvalidInputError:
        return None  # a demo too small to have enough exits to learn from: no model, no queue
    if not result.fairness_passed:
        row = session.scalars(select(ModelCard).where(ModelCard.version == result.version)).one()
        record_override(session, Actor.from_user(executive), row, DEMO_OVERRIDE)
        queue_stay_interviews(session, row)
    return result.version
