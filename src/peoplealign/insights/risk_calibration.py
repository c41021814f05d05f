"""From a risk score to a leave probability people can read as "about 3 in 10".

Recalibration (Platt: a logistic curve on the score) is fitted on scores the model produced for rows
it did not train on, so the probabilities are honest rather than as confident as the training fit.
With a horizon, the target is "left within the horizon"; rows censored before it carry no answer, so
the known rows are reweighted by the inverse probability of remaining uncensored (IPCW) instead of
silently counting the censored as stayers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from peoplealign.errors import InvalidInputError

Array = NDArray[np.float64]


@dataclass(frozen=True)
class HorizonTarget:
    label: Array  # 1 left within the horizon, 0 otherwise
    weight: Array  # 0 where the answer is unknown (censored before the horizon)


def horizon_target(duration: Array, event: Array, horizon: float | None) -> HorizonTarget:
    """Without a horizon the target is the event itself (a snapshot's observation window)."""
    event = np.asarray(event, dtype=np.float64)
    if horizon is None:
        return HorizonTarget(event, np.ones_like(event))
    duration = np.asarray(duration, dtype=np.float64)
    left = (event > 0) & (duration <= horizon)
    stayed = (duration >= horizon) & ~left
    censoring = _censoring_survival(duration, event)
    weight = np.zeros_like(duration)
    weight[left] = 1.0 / np.maximum(censoring(duration[left], before=True), 0.05)
    # Someone censored exactly at the horizon was still observed there: G just before the horizon.
    weight[stayed] = 1.0 / max(float(censoring(np.array([horizon]), before=True)[0]), 0.05)
    return HorizonTarget(left.astype(np.float64), weight)


def _censoring_survival(duration: Array, event: Array) -> Callable[..., Array]:
    """Kaplan–Meier of being still observed (censoring is the "event" here)."""
    censored = event == 0
    times = np.unique(duration[censored])
    ordered = np.sort(duration)
    at_risk = (len(duration) - np.searchsorted(ordered, times, side="left")).astype(np.float64)
    drops = np.bincount(np.searchsorted(times, duration[censored]), minlength=len(times)).astype(np.float64)
    survival = np.cumprod(1.0 - drops / np.maximum(at_risk, 1.0))

    def at(t: Array, *, before: bool) -> Array:
        idx = np.searchsorted(times, t, side="left" if before else "right") - 1
        return np.where(idx >= 0, survival[np.clip(idx, 0, None)], 1.0)

    return at


@dataclass(frozen=True)
class PlattCalibrator:
    """p = 1 / (1 + exp(-(intercept + slope · score)))."""

    intercept: float
    slope: float

    def __call__(self, score: Array) -> Array:
        return np.asarray(1.0 / (1.0 + np.exp(-(self.intercept + self.slope * np.asarray(score)))))


def fit_platt(score: Array, target: HorizonTarget) -> PlattCalibrator:
    intercept, slope = _weighted_logistic(np.asarray(score, dtype=np.float64), target.label, target.weight)
    return PlattCalibrator(intercept, slope)


def brier_score(probability: Array, target: HorizonTarget) -> float:
    w = target.weight
    return float(np.sum(w * (probability - target.label) ** 2) / np.sum(w))


def calibration_slope(probability: Array, target: HorizonTarget) -> float:
    """The slope of observed outcome on the logit of the prediction: 1 is perfect, below 1 means the
    predictions are too extreme, above 1 too timid."""
    p = np.clip(probability, 1e-6, 1 - 1e-6)
    return _weighted_logistic(np.log(p / (1 - p)), target.label, target.weight)[1]


def _weighted_logistic(x: Array, y: Array, w: Array) -> tuple[float, float]:
    """Unpenalised one-feature logistic regression (scikit-learn) on the rows whose answer is known:
    intercept and slope."""
    from sklearn.linear_model import LogisticRegression

    keep = w > 0
    if len(np.unique(y[keep])) < 2:
        raise InvalidInputError(
            "calibration needs people who left and people who stayed among the rows whose outcome is "
            f"known; found only {'leavers' if y[keep].all() else 'stayers'} (is the horizon too short?)"
        )
    fitted = LogisticRegression(C=np.inf, solver="newton-cholesky").fit(
        x[keep, None], y[keep], sample_weight=w[keep]
    )
    return float(fitted.intercept_[0]), float(fitted.coef_[0, 0])
