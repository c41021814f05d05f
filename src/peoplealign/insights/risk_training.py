"""Training and scoring the in-product flight-risk model on the organisation's own history.

Landmarks: every quarter of the last year, everyone employed that day is a row with what was known
then (tenure, level, pay position in band, time since promotion, their team's work patterns and,
if the charter allows, their team's engagement) and what happened next (a voluntary exit within 12
months, or still there when follow-up ends). A penalised Cox model on days since the landmark turns
this into a 12-month leave probability for everyone employed today, calibrated on held-out rows.

Everything is read through `policy.risk_access` for `retention_conversation`; protected attributes
are seen only as group counts for the fairness gate. A version is active only if the gate passes
(or an executive overrides it, audited); only an active version's high band reaches the human queue,
as stay-interview recommendations, and nothing is ever done automatically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from peoplealign.insights import model_card
from peoplealign.insights.recommendations import Proposal, propose
from peoplealign.insights.risk_calibration import brier_score, calibration_slope, horizon_target
from peoplealign.insights.risk_features import FeatureEncoder
from peoplealign.insights.risk_models import CalibratedRiskModel, concordance, fit_calibrated
from peoplealign.policy.actor import Actor
from peoplealign.policy.risk_access import RISK_MODEL, PredictionAccess, RiskData, fairness_counts
from peoplealign.store.models import ModelCard, Prediction

HORIZON_DAYS = 365
LANDMARK_STEP_DAYS = 91
LANDMARKS = 4
WORKLOAD_WEEKS = 12
HIGH_SHARE = 0.10  # the high band: the top tenth, about what an HR team can hold conversations with
MEDIUM_SHARE = 0.20
TOP_FACTORS = 3
QUALITY_FOLDS = 5
VOLUNTARY = "voluntary"
NO_INDICATOR = ("years_since_promotion",)  # unknown only when a later promotion hides it: a leak

FEATURE_LABELS = {
    "tenure_years": "tenure (years)",
    "level": "level",
    "pay_position": "pay position in band (0 = minimum, 1 = maximum)",
    "years_since_promotion": "years since last promotion",
    "team_after_hours_share": "team after-hours share of hours",
    "team_hours_per_week": "team hours per person-week",
    "team_pto_per_week": "team time off per person-week (hours)",
    "team_engagement": "team engagement (% favourable)",
}


@dataclass(frozen=True)
class TrainingResult:
    version: str
    status: str
    fairness_passed: bool
    scored: int
    high_band: int
    recommendations: int
    card: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "status": self.status,
            "fairness_passed": self.fairness_passed,
            "scored": self.scored,
            "high_band": self.high_band,
            "recommendations": self.recommendations,
            "card": self.card,
        }


def landmarks_for(as_of: dt.date) -> list[dt.date]:
    """Quarterly over the last year, the first exactly a horizon back: its rows are the ones whose
    12-month outcome is fully known."""
    first = as_of - dt.timedelta(days=HORIZON_DAYS)
    return [first + dt.timedelta(days=LANDMARK_STEP_DAYS * i) for i in range(LANDMARKS)]


def assemble(reader: RiskData, as_of: dt.date) -> pd.DataFrame:
    """One row per (landmark, person employed then); the last landmark is today, for scoring."""
    days = [*landmarks_for(as_of), as_of]
    people = reader.history()
    labels = reader.unit_labels()
    workload = reader.team_workload([(d - dt.timedelta(weeks=WORKLOAD_WEEKS), d) for d in days])
    engagement = [reader.team_engagement(d) for d in days] if reader.may_use_engagement else None
    rows = []
    for i, day in enumerate(days):
        end = min(day + dt.timedelta(days=HORIZON_DAYS), as_of)
        for p in people:
            hired, left = p.get("hire_date"), p.get("exit_date")
            if (hired is not None and hired > day) or (left is not None and left <= day):
                continue
            event = left is not None and left <= end and p.get("exit_reason") in (VOLUNTARY, None)
            stop = left if left is not None and left <= end else end
            team = labels.get(p["org_unit_id"]) if p.get("org_unit_id") is not None else None
            load = workload[i].get(str(team)) if team is not None else None
            row = {
                "person_id": p["id"],
                "landmark": day,
                "scoring": day == as_of,
                "duration": float((stop - day).days),
                "event": int(event),
                "tenure_years": (day - hired).days / 365.25 if hired is not None else None,
                "level": p.get("level"),
                "pay_position": _pay_position(p),
                "years_since_promotion": _since_promotion(p, day),
                "team_after_hours_share": load.after_hours_share if load else None,
                "team_hours_per_week": load.hours_per_week if load else None,
                "team_pto_per_week": load.pto_per_week if load else None,
            }
            if engagement is not None:
                row["team_engagement"] = engagement[i].get(str(team))
            rows.append(row)
    return pd.DataFrame(rows)


def _pay_position(p: dict[str, Any]) -> float | None:
    salary, low, high = p.get("salary"), p.get("pay_band_min"), p.get("pay_band_max")
    if salary is None or low is None or high is None or high <= low:
        return None
    return float((salary - low) / (high - low))


def _since_promotion(p: dict[str, Any], day: dt.date) -> float | None:
    """Years since the last promotion known on `day`; never promoted counts from hiring. A promotion
    after `day` hides the one before it, so that row's value is unknown."""
    promoted, hired = p.get("last_promotion_date"), p.get("hire_date")
    if promoted is not None:
        return (day - promoted).days / 365.25 if promoted <= day else None
    return (day - hired).days / 365.25 if hired is not None else None


def train_flight_risk(session: Session, actor: Actor, as_of: dt.date | None = None) -> TrainingResult:
    """Train, evaluate, audit fairness, store the card and predictions, activate if the gate passes
    and queue stay interviews for the active version's high band."""
    today = as_of or dt.date.today()
    reader = RiskData(session, actor)
    frame = assemble(reader, today)
    features = [c for c in FEATURE_LABELS if c in frame.columns]
    train = frame[~frame["scoring"]].reset_index(drop=True)
    now = frame[frame["scoring"]].reset_index(drop=True)
    if train.empty or train["event"].sum() < 5 or now.empty:
        from peoplealign.errors import InvalidInputError

        raise InvalidInputError(
            "not enough history to train a flight-risk model: "
            f"{int(train['event'].sum()) if not train.empty else 0} voluntary exits after the last year's "
            "landmarks (at least 5 needed)"
        )
    encoder = FeatureEncoder().fit(train[features], no_indicator=NO_INDICATOR)
    model = _fit(encoder, train)
    quality = _quality(train, features)
    x_now = encoder.transform(now[features])
    probability = model.probability(x_now)
    bands = _bands(probability)
    factors = _factors(model, encoder, x_now, now[features])
    flagged = {int(pid): band == "high" for pid, band in zip(now["person_id"], bands, strict=True)}
    fairness = model_card.judge_fairness(
        fairness_counts(session, actor, reader.charter, flagged), reader.charter
    )
    version = _version(today, model, len(train))
    card = model_card.build_card(
        version=version,
        trained_by=actor.email,
        as_of=today,
        model=model,
        encoder=encoder,
        labels=FEATURE_LABELS,
        data={
            "landmarks": [d.isoformat() for d in landmarks_for(today)],
            "rows": len(train),
            "people": int(train["person_id"].nunique()),
            "voluntary_exits": int(train["event"].sum()),
            "scored_today": len(now),
            "horizon_days": HORIZON_DAYS,
            "team_workload_window_weeks": WORKLOAD_WEEKS,
        },
        engagement_used="team_engagement" in features,
        charter=reader.charter,
    )
    row = ModelCard(
        model_name=RISK_MODEL,
        version=version,
        status="inactive",
        card=card,
        quality=quality,
        fairness=fairness,
        fairness_passed=bool(fairness["passed"]),
    )
    session.add(row)
    session.flush()
    session.add_all(
        Prediction(model_card_id=row.id, person_id=int(pid), value=float(p), band=band, factors=f)
        for pid, p, band, f in zip(now["person_id"], probability, bands, factors, strict=True)
    )
    session.flush()
    model_card.record_training(session, actor, row)
    queued = 0
    if row.fairness_passed:
        model_card.activate(session, actor, row)
        queued = queue_stay_interviews(session, row)
    return TrainingResult(
        version, row.status, row.fairness_passed, len(now), int(sum(b == "high" for b in bands)), queued, card
    )


def _fit(encoder: FeatureEncoder, rows: pd.DataFrame) -> CalibratedRiskModel:
    x = encoder.transform(rows[[c.name for c in encoder.numeric] + [c.name for c in encoder.categorical]])
    return fit_calibrated(
        x,
        rows["duration"].to_numpy(dtype=float),
        rows["event"].to_numpy(dtype=int),
        horizon=float(HORIZON_DAYS),
        select_by="concordance",
        families=("cox",),
    )


def _quality(rows: pd.DataFrame, features: list[str]) -> dict[str, Any]:
    """Held-out quality: folds by person (a person's landmarks never straddle train and test)."""
    from sklearn.metrics import roc_auc_score

    fold = rows["person_id"].to_numpy() % QUALITY_FOLDS
    probability = np.zeros(len(rows))
    risk = np.zeros(len(rows))
    for k in range(QUALITY_FOLDS):
        test = fold == k
        encoder = FeatureEncoder().fit(rows.loc[~test, features], no_indicator=NO_INDICATOR)
        model = _fit(encoder, rows[~test].reset_index(drop=True))
        x = encoder.transform(rows.loc[test, features])
        risk[test] = model.risk(x)
        probability[test] = model.probability(x)
    duration = rows["duration"].to_numpy(dtype=float)
    event = rows["event"].to_numpy(dtype=float)
    target = horizon_target(duration, event, float(HORIZON_DAYS))
    known = target.weight > 0
    return {
        "method": f"{QUALITY_FOLDS}-fold cross-validation by person over the landmark rows",
        "concordance": concordance(duration, event, risk),
        "auc_12_months": float(
            roc_auc_score(target.label[known], risk[known], sample_weight=target.weight[known])
        ),
        "brier_12_months": brier_score(probability, target),
        "calibration_slope": calibration_slope(probability, target),
        "mean_predicted": float(np.average(probability, weights=target.weight)),
        "observed_12_months": float(np.average(target.label, weights=target.weight)),
    }


def _bands(probability: np.ndarray) -> list[str]:
    order = (-probability).argsort(kind="stable")
    rank = np.empty(len(probability))
    rank[order] = np.arange(len(probability)) / max(len(probability), 1)
    return ["high" if r < HIGH_SHARE else "medium" if r < HIGH_SHARE + MEDIUM_SHARE else "low" for r in rank]


def _factors(
    model: CalibratedRiskModel, encoder: FeatureEncoder, x: np.ndarray, raw: pd.DataFrame
) -> list[list[dict[str, Any]]]:
    """Per person, the features that moved their score most, with direction and their own value; a
    missing-value indicator is folded into its feature."""
    names = encoder.feature_names
    contributions = model.model.contributions(x)
    found = []
    for i in range(len(x)):
        per: dict[str, float] = {}
        for name, value in zip(names, contributions[i], strict=True):
            column = name.removesuffix(" missing")
            per[column] = per.get(column, 0.0) + float(value)
        top = sorted(per.items(), key=lambda item: -abs(item[1]))[:TOP_FACTORS]
        found.append(
            [
                {
                    "feature": column,
                    "label": FEATURE_LABELS.get(column, column),
                    "direction": "raises" if weight > 0 else "lowers",
                    "weight": round(weight, 4),
                    "value": _plain(raw.iloc[i][column]),
                }
                for column, weight in top
                if weight != 0
            ]
        )
    return found


def _plain(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 3)


def _version(day: dt.date, model: CalibratedRiskModel, rows: int) -> str:
    digest = hashlib.sha256(
        json.dumps([list(np.round(model.model.coef, 6)), rows, day.isoformat()]).encode()
    ).hexdigest()
    return f"flight-risk-{day:%Y%m%d}-{digest[:8]}"


QUEUE_ACTOR = Actor(email="system:stay-interview-queue", roles=frozenset({"hr_partner"}), is_system=True)


def queue_stay_interviews(session: Session, card: ModelCard) -> int:
    """The active version's high band as stay-interview recommendations for HR partners: read as the
    queue's own system job with the HR partner's access (audited), proposed once per person."""
    reader = PredictionAccess(session, QUEUE_ACTOR, RiskData(session, QUEUE_ACTOR).charter)
    high = reader.individual(band="high")
    proposals = [
        Proposal(
            kind="stay_interview",
            key=f"person:{e.person_id}",
            title="Offer a stay interview",
            explanation=_explain(e.probability, e.factors),
            evidence={
                "probability_12_months": round(e.probability, 4),
                "band": e.band,
                "factors": e.factors,
                "model_card_id": card.id,
            },
            model_version=e.model_version,
            subject_person_id=e.person_id,
        )
        for e in high
    ]
    return len(propose(session, QUEUE_ACTOR, proposals)) if proposals else 0


def _explain(probability: float, factors: list[Any]) -> str:
    reasons = "; ".join(
        f"{f['label']} {f['direction']} the estimate"
        + (f" (here {f['value']:g})" if f.get("value") is not None else "")
        for f in factors
    )
    return (
        f"About {probability:.0%} chance of leaving within 12 months (high band). {reasons}. "
        "An invitation to talk about what would make work better — never an input to pay, promotion "
        "or performance decisions."
    )
