"""The model families are fitted by scikit-survival and scikit-learn; these tests pin what the
product relies on: one penalty scale for both families (mean loss + ½·penalty·‖β‖², checked against
a direct minimisation of that objective), Harrell's C as defined, and calibration that refuses a
target with only one outcome instead of returning a meaningless curve."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from statsmodels.duration.hazard_regression import PHReg

from peoplealign.errors import InvalidInputError
from peoplealign.insights.risk_calibration import HorizonTarget, fit_platt, horizon_target
from peoplealign.insights.risk_models import concordance, fit_family

PENALTY = 0.05


def survival_rows(seed: int = 0, n: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exponential times with a known log hazard, rounded so that tied times occur, and censoring."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    time = rng.exponential(5 * np.exp(-(x @ [0.8, -0.5, 0.0])))
    censor = rng.uniform(1, 12, n)
    return x, np.minimum(time, censor).round(1), (time <= censor).astype(int)


def test_cox_minimises_the_mean_breslow_partial_likelihood_plus_the_ridge_per_person() -> None:
    x, duration, event = survival_rows()
    n = len(event)
    partial = PHReg(duration, x, status=event, ties="breslow")

    def objective(beta: np.ndarray) -> float:
        return -float(partial.loglike(beta)) / n + 0.5 * PENALTY * float(beta @ beta)

    reference = minimize(objective, np.zeros(3), method="BFGS", options={"gtol": 1e-10}).x
    fitted = fit_family("cox", PENALTY, x, duration, event)
    np.testing.assert_allclose(fitted.coef, reference, atol=1e-5)
    assert fitted.intercept == 0.0
    assert fitted.coef[0] > 0 > fitted.coef[1]  # the planted directions


def test_logistic_minimises_the_mean_log_loss_plus_the_same_ridge_with_a_free_intercept() -> None:
    x, _, event = survival_rows(seed=1)
    y = event.astype(float)

    def objective(theta: np.ndarray) -> float:
        z = theta[0] + x @ theta[1:]
        return float(np.mean(np.logaddexp(0.0, z) - y * z)) + 0.5 * PENALTY * float(theta[1:] @ theta[1:])

    reference = minimize(objective, np.zeros(4), method="BFGS", options={"gtol": 1e-10}).x
    fitted = fit_family("logistic", PENALTY, x, np.ones(len(y)), event)
    np.testing.assert_allclose([fitted.intercept, *fitted.coef], reference, atol=1e-5)
    np.testing.assert_allclose(fitted.contributions(x).sum(axis=1) + fitted.intercept, fitted.score(x))


def test_nothing_to_learn_gives_a_flat_score() -> None:
    x, duration, event = survival_rows()
    assert not fit_family("cox", PENALTY, x[:, :0], duration, event).score(x[:, :0]).any()
    assert not fit_family("logistic", PENALTY, x, duration, np.zeros_like(event)).coef.any()


def test_concordance_is_harrells_c_with_tied_risks_counting_half() -> None:
    duration = np.array([1.0, 2.0, 2.0, 3.0, 4.0])
    event = np.array([1, 1, 0, 1, 0])
    risk = np.array([0.9, 0.5, 0.5, 0.7, 0.1])
    concordant = 0.0
    pairs = 0
    for i in np.flatnonzero(event):
        # comparable: anyone whose time is later, or censored at the same time
        for j in range(len(duration)):
            if duration[j] > duration[i] or (duration[j] == duration[i] and not event[j] and j != i):
                pairs += 1
                concordant += 1.0 if risk[i] > risk[j] else 0.5 if risk[i] == risk[j] else 0.0
    assert concordance(duration, event, risk) == pytest.approx(concordant / pairs)
    # the event at time 2 against the censored at time 2 is concordant only if its risk is higher
    assert concordance(duration, event, -duration + 0.01 * event) == pytest.approx(1.0)


def test_platt_recovers_a_known_curve_and_honours_the_weights() -> None:
    rng = np.random.default_rng(2)
    score = rng.normal(size=4000)
    label = (rng.random(4000) < 1 / (1 + np.exp(-(-1.0 + 2.0 * score)))).astype(float)
    fitted = fit_platt(score, HorizonTarget(label, np.ones_like(label)))
    assert fitted.intercept == pytest.approx(-1.0, abs=0.15) and fitted.slope == pytest.approx(2.0, abs=0.2)
    doubled = fit_platt(np.r_[score, score], HorizonTarget(np.r_[label, label], np.ones(8000)))
    weighted = fit_platt(score, HorizonTarget(label, np.full(4000, 2.0)))
    assert weighted.slope == pytest.approx(doubled.slope, rel=1e-4)


def test_calibration_refuses_a_horizon_nobody_left_within() -> None:
    _, duration, event = survival_rows()
    target = horizon_target(duration + 1.0, event, horizon=0.5)
    with pytest.raises(InvalidInputError, match="horizon too short"):
        fit_platt(np.linspace(0, 1, len(event)), target)
