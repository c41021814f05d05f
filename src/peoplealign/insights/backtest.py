"""Out-of-fold backtest of the flight-risk model on any survival table, for analysts (no database).

Every figure comes from predictions for rows the model never saw: the outer folds split the file,
and everything learned (feature encoding, family and penalty, calibration) is learned inside each
outer training part. Protected columns are removed before the encoder sees the table, so they can
only ever be used to audit the flags, never to make them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from peoplealign.errors import InvalidInputError
from peoplealign.insights.fairness import AttributeAudit, audit_attribute, band
from peoplealign.insights.risk_calibration import brier_score, calibration_slope, horizon_target
from peoplealign.insights.risk_data import SurvivalTable
from peoplealign.insights.risk_features import FeatureEncoder
from peoplealign.insights.risk_models import concordance, fit_calibrated

TOP_SHARE = 0.10  # the flag audited for fairness: the top decile of risk
MIN_RATIO = 0.8
MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class BacktestOptions:
    id_column: str | None = None
    exclude: Sequence[str] = ()
    protected: Sequence[str] = ()
    folds: int = 5
    horizon: float | None = None
    select_by: str = "auc"
    seed: int = 0


@dataclass
class BacktestResult:
    oof: pd.DataFrame  # id (if given), risk, probability, fold, model
    metrics: dict[str, Any]
    fairness: list[AttributeAudit]
    folds: list[dict[str, Any]] = field(default_factory=list)
    features: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.metrics,
            "fairness": [a.as_dict() for a in self.fairness],
            "folds": self.folds,
            "features": self.features,
        }


def run_backtest(
    table: SurvivalTable, options: BacktestOptions, progress: Callable[[str], None] | None = None
) -> BacktestResult:
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    _check_columns(table, options)
    never = [*options.protected, *options.exclude, *([options.id_column] if options.id_column else [])]
    event, duration = table.event, table.duration
    if options.folds < 2 or options.folds > int(min(event.sum(), (event == 0).sum())):
        raise InvalidInputError(
            f"--folds must be between 2 and the number of events ({int(event.sum())}); got {options.folds}"
        )
    risk = np.zeros(len(event))
    probability = np.zeros(len(event))
    fold_of = np.zeros(len(event), dtype=int)
    families = np.full(len(event), "", dtype=object)
    fold_rows: list[dict[str, Any]] = []
    splitter = StratifiedKFold(options.folds, shuffle=True, random_state=options.seed)
    for number, (train, test) in enumerate(splitter.split(np.zeros(len(event)), event), start=1):
        if progress:
            progress(f"fold {number}/{options.folds}")
        encoder = FeatureEncoder().fit(table.columns.iloc[train], never=never)
        x_train = encoder.transform(table.columns.iloc[train])
        x_test = encoder.transform(table.columns.iloc[test])
        model = fit_calibrated(
            x_train,
            duration[train],
            event[train],
            horizon=options.horizon,
            select_by=options.select_by,
            seed=options.seed,
        )
        risk[test] = model.risk(x_test)
        probability[test] = model.probability(x_test)
        fold_of[test] = number
        families[test] = model.model.family
        fold_rows.append(
            {
                "fold": number,
                "family": model.model.family,
                "penalty": model.model.penalty,
                "features": len(encoder.feature_names),
                "inner_" + options.select_by: max(c.inner_metric for c in model.candidates),
            }
        )
    # A Cox log-hazard and a log-odds are not on one scale: when folds chose different families, the
    # calibrated probability is the score they share.
    pooled = probability if len(set(families)) > 1 else risk
    target = horizon_target(duration, event, options.horizon)
    metrics: dict[str, Any] = {
        "rows": len(event),
        "events": int(event.sum()),
        "rows_dropped_blank": table.rows_dropped,
        "folds": options.folds,
        "horizon": options.horizon,
        "select_by": options.select_by,
        "family": _majority(list(families)),
        "concordance": concordance(duration, event, pooled),
        "auc": float(roc_auc_score(event, pooled)),
        "brier": brier_score(probability, target),
        "calibration_slope": calibration_slope(probability, target),
        "mean_probability": float(np.average(probability, weights=target.weight)),
        "observed_rate": float(np.average(target.label, weights=target.weight)),
    }
    clocks = clock_columns(table, never)
    metrics["warnings"] = (
        [
            f"{', '.join(clocks)} never exceed the duration and rise with it: measured when a row "
            "ended, they inflate a Cox model's concordance; consider --exclude for a forward-looking model"
        ]
        if clocks
        else []
    )
    flag = pooled >= np.quantile(pooled, 1 - TOP_SHARE)
    audits = [
        audit_attribute(
            column,
            band(table.columns[column]),
            flag,
            event,
            min_ratio=MIN_RATIO,
            min_group_size=MIN_GROUP_SIZE,
        )
        for column in options.protected
    ]
    oof = pd.DataFrame({"risk": pooled, "probability": probability, "fold": fold_of, "model": families})
    if options.id_column:
        oof.insert(0, options.id_column, table.columns[options.id_column].to_numpy())
    final_encoder = FeatureEncoder().fit(table.columns, never=never)
    return BacktestResult(oof, metrics, audits, fold_rows, final_encoder.describe() | {"never": never})


def clock_columns(table: SurvivalTable, skip: Sequence[str]) -> list[str]:
    """Numeric columns that never exceed the duration and rise with it (e.g. "years in current role"
    against "years at company"): measured when the row ended, they tell a Cox model when it ended, so
    its concordance looks better than any prediction made in time could be."""
    found = []
    for name in table.columns.columns:
        if name in skip:
            continue
        values = pd.to_numeric(table.columns[name], errors="coerce").to_numpy(dtype=np.float64)
        known = np.isfinite(values)
        if known.mean() < 0.9 or len(np.unique(values[known])) <= 2:
            continue
        v, d = values[known], table.duration[known]
        bounded = np.mean(v <= d + 1e-9) >= 0.99
        if bounded and pd.Series(v).corr(pd.Series(d), method="spearman") >= 0.5:
            found.append(str(name))
    return found


def _check_columns(table: SurvivalTable, options: BacktestOptions) -> None:
    named = [*options.protected, *options.exclude, *([options.id_column] if options.id_column else [])]
    missing = [c for c in named if c not in table.columns.columns]
    if missing:
        raise InvalidInputError(
            f"{table.source}: no column(s) {', '.join(map(repr, missing))}; the columns are "
            f"{', '.join(map(str, table.columns.columns))}"
        )


def _majority(values: list[str]) -> str:
    return max(set(values), key=values.count)


def write_oof(result: BacktestResult, path: Path) -> None:
    try:
        result.oof.to_csv(path, index=False)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
