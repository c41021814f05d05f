"""Model cards and the fairness gate: what a model version is, how good and how fair it is, and
whether it may be used.

A version becomes active only when, for every protected attribute, the selection-rate ratio of its
action flag (the high band) across groups of at least the charter's minimum group size is at least
the charter's threshold. Otherwise it stays inactive unless an executive records an override with a
rationale; the override is audited and written on the card for everyone who reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.store.models import ModelCard

if TYPE_CHECKING:
    from peoplealign.insights.risk_features import FeatureEncoder
    from peoplealign.insights.risk_models import CalibratedRiskModel

OVERRIDE_ROLE = "executive"
MIN_RATIONALE = 20


def judge_fairness(
    counts: Mapping[str, Mapping[str, tuple[int, int] | None]], charter: CharterDocument
) -> dict[str, Any]:
    """The gate's verdict from per-group (people, flagged) counts. No protected data at all fails:
    a model whose fairness cannot be checked is not known to be fair."""
    threshold = charter.fairness.min_selection_rate_ratio
    attributes: list[dict[str, Any]] = []
    for attribute, groups in counts.items():
        shown: list[dict[str, Any]] = [
            {"group": g, "n": c[0], "flagged": c[1], "selection_rate": c[1] / c[0]}
            if c
            else {"group": g, "n": None}
            for g, c in groups.items()
        ]
        rates: list[float] = [
            float(s["selection_rate"]) for s in shown if s.get("selection_rate") is not None
        ]
        ratio = None if len(rates) < 2 else (1.0 if max(rates) == 0 else min(rates) / max(rates))
        passed = ratio is None or ratio >= threshold
        attributes.append(
            {
                "attribute": attribute,
                "groups": shown,
                "selection_rate_ratio": ratio,
                "passed": passed,
                "reason": "fewer than two groups large enough to compare"
                if ratio is None
                else f"selection-rate ratio {ratio:.2f} {'≥' if passed else '<'} {threshold:g}",
            }
        )
    return {
        "flag": "high band",
        "min_selection_rate_ratio": threshold,
        "min_group_size": charter.fairness.min_group_size,
        "attributes": attributes,
        "passed": bool(attributes) and all(a["passed"] for a in attributes),
        "reason": "all protected attributes pass"
        if attributes and all(a["passed"] for a in attributes)
        else "no protected attributes recorded: fairness cannot be checked"
        if not attributes
        else "failed for " + ", ".join(a["attribute"] for a in attributes if not a["passed"]),
    }


def build_card(
    *,
    version: str,
    trained_by: str,
    as_of: dt.date,
    model: CalibratedRiskModel,
    encoder: FeatureEncoder,
    labels: Mapping[str, str],
    data: Mapping[str, Any],
    engagement_used: bool,
    charter: CharterDocument,
) -> dict[str, Any]:
    """The card's fixed sections; quality and fairness live in their own columns of the row."""
    coefficients = dict(zip(encoder.feature_names, map(float, model.model.coef), strict=True))
    prohibited = [
        u.description
        for u in charter.prohibited_uses
        if "flight_risk" in u.inputs
        or u.key in ("individual_productivity_ranking", "individual_survey_answers")
    ]
    return {
        "model": "flight_risk",
        "version": version,
        "as_of": as_of.isoformat(),
        "trained_by": trained_by,
        "family": model.model.family,
        "penalty": model.model.penalty,
        "implementation": _implementation(model.model.family),
        "calibration": {"method": "Platt on inner cross-validated scores", "horizon_days": model.horizon},
        "data": dict(data),
        "features": [
            {
                "name": name,
                "label": labels.get(name, name)
                if not name.endswith(" missing")
                else f"{labels.get(name.removesuffix(' missing'), name)}: unknown",
                "coefficient_per_sd": round(value, 4),
                "direction": "raises" if value > 0 else "lowers",
            }
            for name, value in coefficients.items()
        ],
        "features_dropped": encoder.describe()["dropped"],
        "not_used": {
            "protected attributes": "never features; read only as group counts for the fairness audit",
            "individual survey answers": "never: prohibited by the charter",
            "team engagement": "used (team cells of at least k)"
            if engagement_used
            else "not used: the charter does not list retention_conversation among the survey's purposes",
            "manager changes": "not recorded: the data model keeps the current manager only",
        },
        "intended_use": (
            "Offer a voluntary stay interview to people in the high band, by an HR partner, to talk about "
            "what would make work better."
        ),
        "prohibited_uses": prohibited,
        "limitations": [
            "Level and pay are today's values, also for past landmarks (no history of them is kept).",
            "Time since promotion is unknown at a landmark followed by a promotion; it is then imputed.",
            "Team work patterns are team averages; a suppressed (small) team counts as unknown.",
            "Estimates describe groups of similar situations, not certainties about a person.",
            "Rows of the same person at several landmarks are correlated; quality is measured with "
            "folds by person.",
        ],
    }


def _implementation(family: str) -> str:
    """The library and version that fitted the coefficients, so a card can be reproduced."""
    from importlib.metadata import version

    if family == "cox":
        return f"scikit-survival {version('scikit-survival')} CoxPHSurvivalAnalysis (ridge, Breslow ties)"
    return f"scikit-learn {version('scikit-learn')} LogisticRegression (ridge)"


def record_training(session: Session, actor: Actor, row: ModelCard) -> None:
    audit.record(
        session,
        actor,
        "train_model",
        "model_card",
        purpose="retention_conversation",
        outcome="changed",
        detail={"model": row.model_name, "version": row.version, "fairness_passed": row.fairness_passed},
    )


def activate(session: Session, actor: Actor, row: ModelCard) -> None:
    """Make `row` the version in use; the previous one is retired."""
    for other in session.scalars(
        select(ModelCard).where(ModelCard.model_name == row.model_name, ModelCard.status == "active")
    ):
        if other.id != row.id:
            other.status = "retired"
    row.status = "active"
    session.flush()
    audit.record(
        session,
        actor,
        "activate_model",
        "model_card",
        outcome="changed",
        detail={"model": row.model_name, "version": row.version, "override": row.override_by is not None},
    )


def find_card(session: Session, model_name: str, version: str | None = None) -> ModelCard:
    """A version by name, or the newest one."""
    query = select(ModelCard).where(ModelCard.model_name == model_name)
    if version is not None:
        query = query.where(ModelCard.version == version)
    found = session.scalars(query.order_by(ModelCard.id.desc()).limit(1)).first()
    if found is None:
        raise NotFoundError(
            f"no {model_name} model version {version!r}" if version else f"no {model_name} model trained yet"
        )
    return found


def record_override(session: Session, actor: Actor, row: ModelCard, rationale: str) -> None:
    """An executive puts a version that failed the gate in use, with a rationale; audited."""
    if not actor.has_role(OVERRIDE_ROLE):
        audit.record_denial(
            session,
            actor,
            "override_fairness_gate",
            "model_card",
            detail={"version": row.version, "reason": "only an executive may override the fairness gate"},
        )
        raise PermissionDeniedError(
            f"denied: {actor.email} may not override the fairness gate of {row.version}: "
            "only an executive may"
        )
    text = rationale.strip()
    if len(text) < MIN_RATIONALE:
        raise InvalidInputError(
            f"an override needs a rationale of at least {MIN_RATIONALE} characters saying why the model "
            "may be used despite failing the fairness audit"
        )
    if row.fairness_passed:
        raise InvalidInputError(f"{row.version} passed the fairness audit; there is nothing to override")
    row.override_by = actor.email
    row.override_rationale = text
    audit.record(
        session,
        actor,
        "override_fairness_gate",
        "model_card",
        outcome="changed",
        detail={"version": row.version, "rationale": text, "fairness": row.fairness.get("reason")},
    )
    activate(session, actor, row)


def card_summary(row: ModelCard) -> dict[str, Any]:
    """Everything a reader of the card needs, in one mapping (CLI JSON and the models page)."""
    return {
        "model": row.model_name,
        "version": row.version,
        "status": row.status,
        "created_at": row.created_at,
        "fairness_passed": row.fairness_passed,
        "override_by": row.override_by,
        "override_rationale": row.override_rationale,
        "quality": row.quality,
        "fairness": row.fairness,
        **{k: v for k, v in row.card.items() if k not in ("model", "version")},
    }
