"""A ridge-penalised Cox proportional-hazards model in plain numpy/scipy.

The interpretable default for flight risk: one coefficient per standardised feature, so every
score decomposes into signed factor contributions. Written here rather than taken from lifelines
because lifelines pins pandas below 3; the partial likelihood (Breslow ties) and its gradient are a
few vectorised lines, and a Newton step needs only O(n·p²): a thousand people fit in milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

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


def _risk_set_groups(duration: Array) -> tuple[Array, NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Order by descending time; for each row, the first and last index of the rows tied with it. A
    cumulative sum read at `last` is a sum over the row's risk set (everyone still present at its
    time); a reverse cumulative sum read at `first` is a sum over everyone who left by its time."""
    order = np.argsort(-duration, kind="stable")
    t = duration[order]
    _, first, counts = np.unique(-t, return_index=True, return_counts=True)
    return t, order, np.repeat(first, counts), np.repeat(first + counts - 1, counts)


@dataclass(frozen=True)
class _PartialLikelihood:
    """Penalised negative Breslow log partial likelihood per person, with gradient and Hessian."""

    x: Array
    event: Array
    first: NDArray[np.intp]
    last: NDArray[np.intp]
    penalizer: float

    def __call__(self, beta: Array) -> tuple[float, Array, Array]:
        x, event, n = self.x, self.event, self.x.shape[0]
        eta = x @ beta
        shift = eta.max()
        w = np.exp(eta - shift)
        denom = np.cumsum(w)[self.last]
        mean_x = np.cumsum(w[:, None] * x, axis=0)[self.last] / denom[:, None]
        loglik = float(np.sum(event * (eta - shift - np.log(denom))))
        grad = -(event[:, None] * (x - mean_x)).sum(axis=0) / n + self.penalizer * beta
        # Σ_events S2/D = Xᵀ diag(w·c) X with c_j = Σ of 1/D over events that left by j's time.
        exits = np.cumsum((event / denom)[::-1])[::-1][self.first]
        hessian = (x.T @ ((w * exits)[:, None] * x) - mean_x.T @ (event[:, None] * mean_x)) / n
        hessian += self.penalizer * np.eye(len(beta))
        return -loglik / n + 0.5 * self.penalizer * float(beta @ beta), grad, hessian


def newton(objective: Callable[[Array], tuple[float, Array, Array]], start: Array) -> Array:
    """Newton's method with step halving, for the smooth convex ridge problems of this package:
    a handful of steps, no tuning, and no dependence on a quasi-Newton library's thread pool."""
    beta = start
    loss, grad, hessian = objective(beta)
    for _ in range(100):
        step = np.linalg.solve(hessian, grad)
        scale = 1.0
        while scale > 1e-6:
            trial = beta - scale * step
            trial_loss, trial_grad, trial_hessian = objective(trial)
            if trial_loss <= loss + 1e-12:
                break
            scale /= 2
        else:
            return beta
        converged = abs(loss - trial_loss) < 1e-10 * max(1.0, abs(loss))
        beta, loss, grad, hessian = trial, trial_loss, trial_grad, trial_hessian
        if converged or np.max(np.abs(scale * step)) < 1e-8:
            break
    return beta


def fit_cox(x: Array, duration: Array, event: Array, penalizer: float) -> CoxModel:
    """Fit on standardised features; `penalizer` is the ridge weight per person (½·λ·‖β‖²)."""
    t, order, first, last = _risk_set_groups(np.asarray(duration, dtype=np.float64))
    xs = np.asarray(x, dtype=np.float64)[order]
    es = np.asarray(event, dtype=np.float64)[order]
    beta = np.zeros(xs.shape[1])
    if xs.shape[1] and es.sum() > 0:
        beta = newton(_PartialLikelihood(xs, es, first, last, max(penalizer, 1e-8)), beta)
    times, cumhaz = _breslow(t, es, last, np.exp(xs @ beta))
    return CoxModel(beta, penalizer, times, cumhaz)


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
    one who left first had the higher risk (ties in risk count half). O(n log n): rows are added to a
    Fenwick tree over risk ranks from the latest time backwards, and each event asks how many rows
    with a strictly later time have lower (or equal) risk."""
    duration = np.asarray(duration, dtype=np.float64)
    ranks = np.unique(np.asarray(risk, dtype=np.float64), return_inverse=True)[1] + 1
    is_event = np.asarray(event) > 0
    tree = [0] * (int(ranks.max()) + 1)

    def count_up_to(rank: int) -> int:
        total = 0
        while rank > 0:
            total += tree[rank]
            rank -= rank & -rank
        return total

    order = np.argsort(-duration, kind="stable")
    boundaries = np.flatnonzero(np.diff(duration[order])) + 1
    concordant = pairs = 0.0
    later = 0
    for group in np.split(order, boundaries):
        for i in group[is_event[group]]:
            below, at_or_below = count_up_to(int(ranks[i]) - 1), count_up_to(int(ranks[i]))
            concordant += below + 0.5 * (at_or_below - below)
            pairs += later
        for i in group:
            rank = int(ranks[i])
            while rank < len(tree):
                tree[rank] += 1
                rank += rank & -rank
        later += len(group)
    return concordant / pairs if pairs else float("nan")
