"""What one departure costs: replacement cost as a share of the leaver's annual salary.

The defaults are the typical costs found by Heather Boushey and Sarah Jane Glynn, "There Are
Significant Business Costs to Replacing Employees", Center for American Progress, 16 November 2012
(a review of 30 case studies in 11 research papers published 1992-2007), chosen because the figures
are public, dated and broken down by pay:
- positions earning less than $30,000 a year: typically 16% of salary;
- positions earning $75,000 a year or less: typically 20% of salary;
- all positions except executives and physicians: median 21% of salary (used above $75,000);
- highly educated executive positions: up to 213% of salary (an upper figure, used for the levels
  the organisation names as executive).
They are in US dollars of 2012 studies: an organisation replaces them with its own figures (app
setting `turnover_cost`, `peoplealign roi cost-model --set FILE`), and every report says which
figures it used and where they come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, PermissionDeniedError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.store.models import AppSetting

SETTING_KEY = "turnover_cost"
CONFIGURING_ROLES = ("analyst", "admin")
DEFAULT_SOURCE = (
    "Boushey, H. & Glynn, S. J. (2012). There Are Significant Business Costs to Replacing Employees. "
    "Center for American Progress, 16 November 2012: typical cost of turnover 16% of salary for "
    "positions under $30,000, 20% for positions up to $75,000, 21% median for all positions except "
    "executives and physicians, up to 213% for highly educated executive positions."
)


@dataclass(frozen=True)
class CostBand:
    """Salaries below `up_to` (None: any salary) cost `share` of a year's salary to replace."""

    up_to: float | None
    share: float


@dataclass(frozen=True)
class TurnoverCostModel:
    bands: tuple[CostBand, ...]
    executive_min_level: int | None
    executive_share: float
    currency: str
    source: str
    configured: bool = False

    def share_for(self, level: int | None, salary: float) -> float:
        if self.executive_min_level is not None and level is not None and level >= self.executive_min_level:
            return self.executive_share
        return next(b.share for b in self.bands if b.up_to is None or salary < b.up_to)

    def cost(self, level: int | None, salary: float | None) -> float | None:
        """Replacement cost of one departure, None when the salary is unknown (reported as unpriced)."""
        if salary is None or salary <= 0:
            return None
        return salary * self.share_for(level, salary)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bands"] = [asdict(b) for b in self.bands]
        return data


DEFAULT_MODEL = TurnoverCostModel(
    bands=(CostBand(30_000.0, 0.16), CostBand(75_000.0, 0.20), CostBand(None, 0.21)),
    executive_min_level=7,
    executive_share=2.13,
    currency="USD",
    source=DEFAULT_SOURCE,
)


def parse_cost_model(data: Mapping[str, Any]) -> TurnoverCostModel:
    """A model from its JSON form; the last band must be open-ended so every salary has a share."""
    try:
        bands = tuple(
            CostBand(None if b.get("up_to") is None else float(b["up_to"]), float(b["share"]))
            for b in data["bands"]
        )
        model = TurnoverCostModel(
            bands=bands,
            executive_min_level=(
                None if data.get("executive_min_level") is None else int(data["executive_min_level"])
            ),
            executive_share=float(data.get("executive_share", DEFAULT_MODEL.executive_share)),
            currency=str(data.get("currency", DEFAULT_MODEL.currency)),
            source=str(data["source"]).strip(),
            configured=True,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"turnover cost model: {exc!s}; expected bands [{{up_to, share}}, ...], source, and optionally "
            "executive_min_level, executive_share, currency"
        ) from None
    if not model.source:
        raise InvalidInputError("turnover cost model: say where the figures come from (source)")
    limits = [b.up_to for b in bands]
    if not bands or limits[-1] is not None or None in limits[:-1] or limits[:-1] != sorted(limits[:-1]):  # type: ignore[type-var]
        raise InvalidInputError(
            "turnover cost model: bands must rise by up_to and end with one open band (up_to: null)"
        )
    if any(b.share < 0 for b in bands) or model.executive_share < 0:
        raise InvalidInputError("turnover cost model: shares cannot be negative")
    return model


def load_cost_model(session: Session) -> TurnoverCostModel:
    """The organisation's own figures if it set them, otherwise the cited defaults."""
    setting = session.get(AppSetting, SETTING_KEY)
    return DEFAULT_MODEL if setting is None else parse_cost_model(setting.value)


def save_cost_model(session: Session, actor: Actor, data: Mapping[str, Any]) -> TurnoverCostModel:
    """Validate and store the organisation's figures (analysts and administrators); audited."""
    if not actor.has_role(*CONFIGURING_ROLES):
        audit.record_denial(
            session, actor, "configure", "turnover_cost", detail={"roles": sorted(actor.roles)}
        )
        raise PermissionDeniedError(
            f"{actor.email} may not change the turnover cost model (analyst or admin)"
        )
    model = parse_cost_model(data)
    value = {k: v for k, v in model.as_dict().items() if k != "configured"}
    setting = session.get(AppSetting, SETTING_KEY)
    if setting is None:
        session.add(AppSetting(key=SETTING_KEY, value=value))
    else:
        setting.value = value
    audit.record(session, actor, "configure", "turnover_cost", outcome="changed", detail=value)
    return model
