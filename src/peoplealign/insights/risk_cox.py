"""A ridge-penalised Cox proportional-hazards model in plain numpy/scipy.

The interpretable default for flight risk: one coefficient per standardised feature, so every
score decomposes into signed factor contributions. Written here rather than taken from lifelines
because lifelines pins pandas below 3; the partial likelihood (Breslow ties) and its gradient are a
few vectorised lines, and L-BFGS fits a thousand people in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

Array = NDArray[np.float64]


@dataclass(frozen=True)
class CoxModel:
    """Coefficients on standardised features plus the Breslow baseline cumulative hazard."""

    coef: Array
    penalizer: float
    event_times: Array  # distinct event times, ascending
    baseline_cumhaz: Array  # H0 at each event time

    def linear_predictor(self, x: Array) -> Array:
        """Log relative hazard: higher means leaving sooner."""
        return np.asarray(x @ self.coef, dtype=np.float64)

    def cumulative_hazard(self, t: Array) -> Array:
        """H0(t), a step function that is 0 before the first event."""
        idx = np.searchsorted(self.event_times, t, side="right") - 1
        return np.where(idx >= 0, self.baseline_cumhaz[np.clip(idx, 0, None)], 0.0)

    def leave_probability(self, x: Array, start: Array, horizon: float) -> Array:
        """P(leaving within `horizon` after `start`, having stayed until `start`)."""
        delta = self.cumulative_hazard(start + horizon) - self.cumulative_hazard(start)
        return np.asarray(1.0 - np.exp(-delta * np.exp(self.linear_predictor(x))), dtype=np.float64)


def _risk_set_groups(duration: Array) -> tuple[Array, NDArray[np.intp], NDArray[np.intp]]:
    """Order by descending time; for each row, the index of the last row tied with it, so a cumulative
    sum read there is the sum over its whole risk set (everyone still present at its time)."""
    order = np.argsort(-duration, kind="stable")
    t = duration[order]
    _, first, counts = np.unique(-t, return_index=True, return_counts=True)
    last_of_group = np.repeat(first + counts - 1, counts)
    return t, order, last_of_group


def _loss_and_grad(
    beta: Array, x: Array, event: Array, last: NDArray[np.intp], penalizer: float
) -> tuple[float, Array]:
    n = x.shape[0]
    eta = x @ beta
    shift = eta.max()
    w = np.exp(eta - shift)
    denom = np.cumsum(w)[last]
    numer = np.cumsum(w[:, None] * x, axis=0)[last]
    loglik = float(np.sum(event * (eta - shift - np.log(denom))))
    grad = (event[:, None] * (x - numer / denom[:, None])).sum(axis=0)
    loss = -loglik / n + 0.5 * penalizer * float(beta @ beta)
    return loss, -grad / n + penalizer * beta


def fit_cox(x: Array, duration: Array, event: Array, penalizer: float) -> CoxModel:
    """Fit on standardised features; `penalizer` is the ridge weight per person (0.5·λ·‖β‖²)."""
    t, order, last = _risk_set_groups(np.asarray(duration, dtype=np.float64))
    xs = np.asarray(x, dtype=np.float64)[order]
    es = np.asarray(event, dtype=np.float64)[order]
    start = np.zeros(xs.shape[1])
    if xs.shape[1] and es.sum() > 0:
        result = minimize(
            _loss_and_grad,
            start,
            args=(xs, es, last, penalizer),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 500},
        )
        start = np.asarray(result.x, dtype=np.float64)
    times, cumhaz = _breslow(t, es, last, np.exp(xs @ start))
    return CoxModel(start, penalizer, times, cumhaz)


def _breslow(t: Array, event: Array, last: NDArray[np.intp], risk: Array) -> tuple[Array, Array]:
    denom = np.cumsum(risk)[last]
    is_event = event > 0
    if not is_event.any():
        return np.zeros(0), np.zeros(0)
    times, inverse = np.unique(t[is_event], return_inverse=True)
    increments = np.zeros(len(times))
    np.add.at(increments, inverse, 1.0 / denom[is_event])
    return times, np.cumsum(increments)


def concordance(duration: Array, event: Array, risk: Array) -> float:
    """Harrell's C: of the pairs where one person left before the other's time, the share where the
    one who left first had the higher risk (ties in risk count half)."""
    duration = np.asarray(duration, dtype=np.float64)
    risk = np.asarray(risk, dtype=np.float64)
    order = np.argsort(duration, kind="stable")
    d, e, r = duration[order], np.asarray(event)[order] > 0, risk[order]
    concordant = 0.0
    pairs = 0.0
    # For each event, compare against everyone whose time is strictly later.
    later_start = np.searchsorted(d, d, side="right")
    for i in np.flatnonzero(e):
        others = r[later_start[i] :]
        if not len(others):
            continue
        pairs += len(others)
        concordant += float(np.sum(others < r[i])) + 0.5 * float(np.sum(others == r[i]))
    return concordant / pairs if pairs else float("nan")
