"""The two interpretable flight-risk model families and the inner cross-validation that picks one.

* `cox` — a ridge-penalised Cox model: time-to-exit with tenure as the clock. The right model when
  features describe people as they were when their clock started (or change slowly).
* `tenure_hazard` — a ridge-penalised discrete-time hazard at the person's current tenure: a
  logistic model of leaving in the observation window with tenure as a covariate. The right model
  for snapshot exports (one row per person, features measured at the snapshot or at exit), where
  tenure-like columns such as "years with current manager" make Cox coefficients absurd.

Both are linear in standardised features, so each score splits into signed factor contributions.
Which family and penalty serve a data set best is decided on the training rows alone by inner
cross-validation, on AUC against the event (default) or on concordance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from peoplealign.insights.risk_calibration import PlattCalibrator, fit_platt, horizon_target
from peoplealign.insights.risk_cox import CoxModel, concordance, fit_cox

Array = NDArray[np.float64]
PENALTIES = (0.003, 0.01, 0.03, 0.1)
FAMILIES = ("cox", "tenure_hazard")
SELECTION_METRICS = ("auc", "concordance")
TENURE_TERMS = ("tenure (log)", "tenure (log, squared)")


@dataclass(frozen=True)
class TenureScale:
    mean: float
    scale: float

    def terms(self, duration: Array) -> Array:
        z = (np.log1p(np.clip(duration, 0, None)) - self.mean) / self.scale
        return np.column_stack([z, z**2 - 1.0])


@dataclass(frozen=True)
class LinearRiskModel:
    """One fitted family: `score` is log relative hazard (cox) or log-odds of leaving (tenure_hazard)."""

    family: str
    penalty: float
    coef: Array  # on features, then (tenure_hazard only) the tenure terms
    intercept: float
    tenure: TenureScale | None
    cox: CoxModel | None

    def design(self, x: Array, duration: Array) -> Array:
        if self.tenure is None:
            return x
        return np.hstack([x, self.tenure.terms(duration)])

    def score(self, x: Array, duration: Array) -> Array:
        return np.asarray(self.design(x, duration) @ self.coef + self.intercept, dtype=np.float64)

    def contributions(self, x: Array, duration: Array) -> Array:
        """Per row and term, coefficient × standardised value: what pushed this score up or down."""
        return np.asarray(self.design(x, duration) * self.coef, dtype=np.float64)


def fit_family(family: str, penalty: float, x: Array, duration: Array, event: Array) -> LinearRiskModel:
    if family == "cox":
        cox = fit_cox(x, duration, event, penalty)
        return LinearRiskModel(family, penalty, cox.coef, 0.0, None, cox)
    log_tenure = np.log1p(np.clip(duration, 0, None))
    tenure = TenureScale(float(log_tenure.mean()), float(log_tenure.std()) or 1.0)
    design = np.hstack([x, tenure.terms(duration)])
    coef, intercept = _ridge_logistic(design, event.astype(np.float64), penalty)
    return LinearRiskModel(family, penalty, coef, intercept, tenure, None)


def _ridge_logistic(x: Array, y: Array, penalty: float) -> tuple[Array, float]:
    """Mean log-loss + ½·penalty·‖β‖² (intercept free): the same penalty scale as the Cox fit."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0 / (penalty * len(y)), max_iter=2000)
    model.fit(x, y)
    return np.asarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0])


def evaluate(metric: str, score: Array, duration: Array, event: Array) -> float:
    if metric == "concordance":
        return concordance(duration, event, score)
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(event, score))


@dataclass(frozen=True)
class Candidate:
    family: str
    penalty: float
    inner_metric: float


@dataclass(frozen=True)
class CalibratedRiskModel:
    """The chosen family refitted on all training rows, with a calibrator fitted on inner out-of-fold
    scores and the inner-CV table that justified the choice."""

    model: LinearRiskModel
    calibrator: PlattCalibrator
    horizon: float | None
    candidates: tuple[Candidate, ...]

    def risk(self, x: Array, duration: Array) -> Array:
        return self.model.score(x, duration)

    def probability(self, x: Array, duration: Array) -> Array:
        return self.calibrator(self.model.score(x, duration))


def fit_calibrated(
    x: Array,
    duration: Array,
    event: Array,
    *,
    horizon: float | None,
    select_by: str = "auc",
    families: Sequence[str] = FAMILIES,
    inner_folds: int = 3,
    seed: int = 0,
) -> CalibratedRiskModel:
    """Pick family and penalty by inner CV, refit on everything, calibrate on inner OOF scores."""
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(inner_folds, shuffle=True, random_state=seed).split(x, event))
    grid = [(f, p) for f in families for p in PENALTIES]
    oof = {spec: np.zeros(len(event)) for spec in grid}
    for train, test in folds:
        for family, penalty in grid:
            fitted = fit_family(family, penalty, x[train], duration[train], event[train])
            oof[(family, penalty)][test] = fitted.score(x[test], duration[test])
    candidates = tuple(
        Candidate(f, p, _pooled_metric(select_by, oof[(f, p)], duration, event, folds)) for f, p in grid
    )
    best = max(candidates, key=lambda c: c.inner_metric)
    model = fit_family(best.family, best.penalty, x, duration, event)
    calibrator = fit_platt(oof[(best.family, best.penalty)], horizon_target(duration, event, horizon))
    return CalibratedRiskModel(model, calibrator, horizon, candidates)


def _pooled_metric(
    metric: str,
    score: Array,
    duration: Array,
    event: Array,
    folds: list[tuple[NDArray[np.intp], NDArray[np.intp]]],
) -> float:
    """Mean of the per-fold metric: each fold's model is judged only on its own held-out rows."""
    return float(np.mean([evaluate(metric, score[t], duration[t], event[t]) for _, t in folds]))
