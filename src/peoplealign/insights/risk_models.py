"""The two interpretable flight-risk model families and the inner cross-validation that picks one.

* `cox` — a ridge-penalised Cox model (scikit-survival's `CoxPHSurvivalAnalysis`, Breslow ties): time
  to exit with tenure as the clock. The right model when features describe people as they were while
  their clock ran (or change slowly).
* `logistic` — a ridge-penalised logistic model of having left at all (scikit-learn). The right model
  for snapshot exports (one row per person, features measured at the snapshot or at exit), where
  tenure-like columns such as "years with current manager" make Cox coefficients absurd.

Neither uses the scored row's own duration: in historical data a leaver's duration is the moment
they left, so a score built on it would look prescient in a backtest and mean nothing in use.
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

Array = NDArray[np.float64]
PENALTIES = (0.003, 0.01, 0.03, 0.1)
FAMILIES = ("cox", "logistic")
SELECTION_METRICS = ("auc", "concordance")


@dataclass(frozen=True)
class LinearRiskModel:
    """One fitted family: `score` is log relative hazard (cox) or log-odds of leaving (logistic)."""

    family: str
    penalty: float
    coef: Array
    intercept: float

    def score(self, x: Array) -> Array:
        return np.asarray(x @ self.coef + self.intercept, dtype=np.float64)

    def contributions(self, x: Array) -> Array:
        """Per row and feature, coefficient × standardised value: what pushed this score up or down."""
        return np.asarray(x * self.coef, dtype=np.float64)


def fit_family(family: str, penalty: float, x: Array, duration: Array, event: Array) -> LinearRiskModel:
    """Fit one family with `penalty` as the ridge weight per person (mean loss + ½·penalty·‖β‖²), so
    one grid means the same for both: scikit-survival's Cox sums its penalty over people (alpha =
    penalty·n) and scikit-learn's logistic sums its log-loss (C = 1 / (penalty·n)). Only the
    coefficients are kept: the product's probability is the Platt-calibrated score, not the Cox
    baseline hazard, and plain arrays keep the model free of pickled estimators."""
    n, features = x.shape
    if features == 0 or not event.any():
        return LinearRiskModel(family, penalty, np.zeros(features), 0.0)
    if family == "cox":
        from sksurv.linear_model import CoxPHSurvivalAnalysis
        from sksurv.util import Surv

        cox = CoxPHSurvivalAnalysis(alpha=penalty * n, ties="breslow").fit(
            x, Surv.from_arrays(event.astype(bool), duration)
        )
        return LinearRiskModel(family, penalty, np.asarray(cox.coef_, dtype=np.float64), 0.0)
    from sklearn.linear_model import LogisticRegression

    logistic = LogisticRegression(C=1.0 / (penalty * n), solver="newton-cholesky").fit(x, event)
    return LinearRiskModel(
        family, penalty, np.asarray(logistic.coef_[0], dtype=np.float64), float(logistic.intercept_[0])
    )


def concordance(duration: Array, event: Array, risk: Array) -> float:
    """Harrell's C (scikit-survival): of the comparable pairs, the share where the one who left first
    had the higher risk, ties in risk counting half."""
    from sksurv.metrics import concordance_index_censored

    return float(concordance_index_censored(np.asarray(event) > 0, duration, risk)[0])


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

    def risk(self, x: Array) -> Array:
        return self.model.score(x)

    def probability(self, x: Array) -> Array:
        return self.calibrator(self.model.score(x))


def fit_calibrated(
    x: Array,
    duration: Array,
    event: Array,
    *,
    horizon: float | None,
    select_by: str = "auc",
    families: Sequence[str] = FAMILIES,
    inner_folds: int = 5,
    seed: int = 0,
) -> CalibratedRiskModel:
    """Pick family and penalty by inner CV, refit on everything, calibrate on inner OOF scores.

    BLAS is held to one thread: these matrices are tiny, and on a busy machine a thread pool per
    product made the backtest eight times slower in wall time than its CPU time."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _fit_calibrated(x, duration, event, horizon, select_by, families, inner_folds, seed)


def _fit_calibrated(
    x: Array,
    duration: Array,
    event: Array,
    horizon: float | None,
    select_by: str,
    families: Sequence[str],
    inner_folds: int,
    seed: int,
) -> CalibratedRiskModel:
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(inner_folds, shuffle=True, random_state=seed).split(x, event))
    grid = [(f, p) for f in families for p in PENALTIES]
    oof = {spec: np.zeros(len(event)) for spec in grid}
    for train, test in folds:
        for family, penalty in grid:
            fitted = fit_family(family, penalty, x[train], duration[train], event[train])
            oof[(family, penalty)][test] = fitted.score(x[test])
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
