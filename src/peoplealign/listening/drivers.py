"""Which drivers explain engagement: Johnson's relative weights.

Drivers are correlated (people who trust their manager also rate recognition well), so regression
coefficients say little about importance. Relative weights split the model's R² into one share per
driver that adds up to R² and survives collinearity (Johnson 2000; it closely approximates the
Shapley / LMG decomposition at a fraction of the cost). The method needs only a correlation matrix,
which the policy layer releases per cell as an aggregate: no respondent's answers are ever modelled
outside it, as the charter's `individual_survey_answers` prohibition demands.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from peoplealign.errors import InvalidInputError
from peoplealign.listening.survey_analytics import group_label, survey_drivers
from peoplealign.listening.survey_metrics import METRICS, driver_favorability
from peoplealign.policy.gateway import PersonalData

METHOD = "Johnson's relative weights over the correlation matrix of respondents' driver favourability"
OUTCOME = "engagement"


@dataclass(frozen=True)
class RelativeWeights:
    r_squared: float
    weights: dict[str, float]  # raw weights: each driver's part of R², summing to R²

    def shares(self) -> dict[str, float]:
        """Each driver's share of the explained variance (sums to 1)."""
        if self.r_squared <= 0:
            return {d: 0.0 for d in self.weights}
        return {d: w / self.r_squared for d, w in self.weights.items()}


def relative_weights(correlations: pd.DataFrame, outcome: str) -> RelativeWeights:
    """Johnson's relative weights from a correlation matrix holding the predictors and `outcome`.

    The predictors are replaced by their closest orthogonal counterparts Z = X Rxx^(-1/2); the outcome
    is regressed on Z (β = Rxx^(-1/2) rxy) and each orthogonal variable's contribution is shared back
    to the predictors by the squared loadings Λ = Rxx^(1/2)."""
    predictors = [c for c in correlations.columns if c != outcome]
    if not predictors:
        raise InvalidInputError("relative weights need at least one predictor besides the outcome")
    rxx = correlations.loc[predictors, predictors].to_numpy(dtype=float)
    rxy = correlations.loc[predictors, outcome].to_numpy(dtype=float)
    if not (np.isfinite(rxx).all() and np.isfinite(rxy).all()):
        raise InvalidInputError("a driver or the outcome does not vary in this group: no importance to split")
    eigenvalues, vectors = np.linalg.eigh(rxx)
    eigenvalues = np.clip(eigenvalues, 1e-12, None)
    loadings = vectors @ np.diag(np.sqrt(eigenvalues)) @ vectors.T
    beta = np.linalg.solve(loadings, rxy)
    raw = (loadings**2) @ (beta**2)
    return RelativeWeights(float(beta @ beta), {p: float(w) for p, w in zip(predictors, raw, strict=True)})


@dataclass(frozen=True)
class DriverCell:
    group: dict[str, Any]
    n: int | None
    r_squared: float | None
    drivers: list[dict[str, Any]]
    suppressed: bool
    reason: str | None

    def label(self) -> str:
        return group_label(self.group)

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "n": self.n,
            "r_squared": self.r_squared,
            "drivers": self.drivers,
            "suppressed": self.suppressed,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DriverAnalysis:
    survey: str
    k: int
    cells: list[DriverCell]

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "k": self.k,
            "method": METHOD,
            "outcome": METRICS[OUTCOME].label,
            "cells": [c.as_dict() for c in self.cells],
        }


def driver_analysis(
    reader: PersonalData, survey_id: int | str | None = None, by: Sequence[str] = ()
) -> DriverAnalysis:
    """Per released cell: each driver's raw relative weight (its part of R²) and share of the
    explained variance of engagement, most important first, with the cell's n."""
    survey = reader.survey(survey_id)
    drivers = survey_drivers(reader, survey)
    measures = [driver_favorability(d) for d in drivers]
    outcome = METRICS[OUTCOME]
    label_of = {m.key: m.label for m in measures}
    cells = []
    for found in reader.survey_correlations([*measures, outcome], by, survey_id=survey.id):
        if found.suppressed or found.matrix is None:
            cells.append(DriverCell(found.group, None, None, [], True, found.reason))
            continue
        usable = _varying(found.matrix, outcome.key)
        if len(usable) <= 1 or found.n is None or found.n <= len(usable) + 1:
            reason = "too few respondents or no variation to separate the drivers"
            cells.append(DriverCell(found.group, found.n, None, [], True, reason))
            continue
        weights = relative_weights(found.matrix.loc[usable, usable], outcome.key)
        shares = weights.shares()
        ranked = sorted(weights.weights, key=lambda d: -weights.weights[d])
        rows = [
            {
                "driver": label_of[d],
                "raw_weight": round(weights.weights[d], 4),
                "share": round(shares[d], 4),
                "correlation": round(_at(found.matrix, d, outcome.key), 4),
            }
            for d in ranked
        ]
        cells.append(DriverCell(found.group, found.n, round(weights.r_squared, 4), rows, False, None))
    return DriverAnalysis(survey.code, reader.charter.k_aggregate, cells)


def _varying(matrix: pd.DataFrame, outcome: str) -> list[str]:
    """Measures with a defined correlation (a constant column has none), the outcome last."""
    usable = [c for c in matrix.columns if c != outcome and math.isfinite(_at(matrix, c, outcome))]
    return [*usable, outcome] if math.isfinite(_at(matrix, outcome, outcome)) else []


def _at(matrix: pd.DataFrame, row: str, column: str) -> float:
    return float(matrix.to_numpy(dtype=float)[matrix.index.get_loc(row), matrix.columns.get_loc(column)])
