"""Turning an arbitrary table into model features, learned on training rows only.

Unseen HR exports differ in every way that matters here: column names, numbers stored as text,
blanks, categoricals with hundreds of values, identifier columns. The encoder decides per column
from the training rows (numeric or categorical, kept or dropped and why), so cross-validation never
peeks at held-out rows, and it records every decision for the model card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

NUMERIC_SHARE = 0.95  # a column is numeric when at least this share of its filled cells parse
MAX_LEVELS = 30  # categorical levels kept at most (the most frequent); the rest become "other"
MIN_LEVEL_SHARE = 0.01
MIN_LEVEL_COUNT = 10
ID_NAME = re.compile(r"(^|[^a-z])(id|ids|key|uuid|guid|number|no|num|code|email|name)$|^(id|key)[^a-z]")


@dataclass(frozen=True)
class NumericColumn:
    name: str
    median: float
    mean: float
    scale: float
    log: bool
    missing_indicator: bool


@dataclass(frozen=True)
class CategoricalColumn:
    name: str
    levels: tuple[str, ...]  # encoded levels; the reference (most frequent) is left out
    reference: str
    means: tuple[float, ...]
    scales: tuple[float, ...]


@dataclass
class FeatureEncoder:
    """Fit with `fit`, then `transform` any rows with the same columns into standardised features."""

    numeric: list[NumericColumn] = field(default_factory=list)
    categorical: list[CategoricalColumn] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)  # column -> why it is not a feature

    @property
    def feature_names(self) -> list[str]:
        names: list[str] = []
        for num in self.numeric:
            names.append(num.name)
            if num.missing_indicator:
                names.append(f"{num.name} missing")
        for cat in self.categorical:
            names.extend(f"{cat.name}={level}" for level in cat.levels)
        return names

    @property
    def source_columns(self) -> list[str]:
        return [n.name for n in self.numeric] + [c.name for c in self.categorical]

    def fit(
        self, frame: pd.DataFrame, never: Sequence[str] = (), no_indicator: Sequence[str] = ()
    ) -> FeatureEncoder:
        """Decide every column from these rows; `never` (protected, excluded, id) are recorded as such.
        Columns in `no_indicator` get no missing-value feature: their blanks would say something about
        the outcome (e.g. a promotion after the snapshot hides the one before it)."""
        rows = len(frame)
        for name in frame.columns:
            if name in never:
                continue
            raw = frame[name]
            filled = raw.dropna()
            if filled.astype(str).nunique() <= 1:
                self.dropped[name] = "constant"
                continue
            numbers = pd.to_numeric(filled, errors="coerce")
            if numbers.notna().mean() >= NUMERIC_SHARE:
                values = pd.to_numeric(raw, errors="coerce").astype(float)
                if _id_like_numbers(name, values):
                    self.dropped[name] = "identifier-like (every value distinct)"
                    continue
                self.numeric.append(_fit_numeric(name, values, name not in no_indicator))
                continue
            text = raw.astype("string").str.strip()
            if filled.astype(str).nunique() >= max(0.5 * rows, 20) and ID_NAME.search(name.lower()):
                self.dropped[name] = "identifier-like (a distinct text per row)"
                continue
            if filled.astype(str).nunique() > 0.9 * len(filled):
                self.dropped[name] = "free text or identifier (almost every value distinct)"
                continue
            fitted = _fit_categorical(name, text)
            if fitted is None:
                self.dropped[name] = "almost constant (one frequent value)"
                continue
            self.categorical.append(fitted)
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        blocks: list[np.ndarray] = []
        for num in self.numeric:
            values = pd.to_numeric(frame[num.name], errors="coerce").to_numpy(dtype=np.float64)
            missing = ~np.isfinite(values)
            filled = np.where(missing, num.median, values)
            if num.log:
                filled = np.log1p(np.clip(filled, 0, None))
            blocks.append(((filled - num.mean) / num.scale)[:, None])
            if num.missing_indicator:
                blocks.append(missing.astype(np.float64)[:, None])
        for cat in self.categorical:
            text = _levels_of(frame[cat.name].astype("string").str.strip(), cat)
            onehot = np.stack([(text == level).to_numpy(dtype=np.float64) for level in cat.levels], axis=1)
            blocks.append((onehot - np.array(cat.means)) / np.array(cat.scales))
        if not blocks:
            return np.zeros((len(frame), 0))
        return np.hstack(blocks)

    def raw_values(self, frame: pd.DataFrame) -> list[dict[str, object]]:
        """Each row's values of the feature columns as read, for explanations people can check."""
        return frame[self.source_columns].to_dict(orient="records")  # type: ignore[return-value]

    def describe(self) -> dict[str, object]:
        return {
            "numeric": [n.name for n in self.numeric],
            "log_transformed": [n.name for n in self.numeric if n.log],
            "categorical": {c.name: [c.reference, *c.levels] for c in self.categorical},
            "dropped": dict(self.dropped),
        }


def _id_like_numbers(name: str, values: pd.Series) -> bool:
    """Every value distinct and whole, and either named like an id or in row order (a counter)."""
    filled = values.dropna()
    if len(filled) < 20 or filled.nunique() < len(filled) or not np.allclose(filled, filled.round()):
        return False
    in_order = abs(pd.Series(filled.to_numpy()).corr(pd.Series(np.arange(len(filled))), "spearman"))
    return bool(ID_NAME.search(name.lower())) or bool(in_order > 0.95)


def _fit_numeric(name: str, values: pd.Series, indicator: bool) -> NumericColumn:
    filled_values = values.dropna()
    median = float(filled_values.median())
    filled = values.fillna(median)
    array = filled.to_numpy(dtype=np.float64)
    spread = array.std() or 1.0
    skewed = bool(array.min() >= 0 and np.mean(((array - array.mean()) / spread) ** 3) > 2.0)
    transformed = np.log1p(filled) if skewed else filled
    scale = float(transformed.std()) or 1.0
    return NumericColumn(
        name, median, float(transformed.mean()), scale, skewed, indicator and bool(values.isna().any())
    )


def _fit_categorical(name: str, text: pd.Series) -> CategoricalColumn | None:
    """Frequent levels against the most frequent one; None when only one level is frequent."""
    counts = text.fillna("(missing)").value_counts()
    floor = max(MIN_LEVEL_COUNT, MIN_LEVEL_SHARE * len(text))
    kept = [str(v) for v, c in counts.items() if c >= floor][:MAX_LEVELS] or [str(counts.index[0])]
    levels = tuple(kept[1:]) + (("(other)",) if len(counts) > len(kept) else ())
    if not levels:
        return None
    draft = CategoricalColumn(name, levels, kept[0], (), ())
    mapped = _levels_of(text, draft)
    onehot = np.stack([(mapped == level).to_numpy(dtype=np.float64) for level in levels], axis=1)
    scales = onehot.std(axis=0)
    return CategoricalColumn(
        name,
        levels,
        kept[0],
        tuple(map(float, onehot.mean(axis=0))),
        tuple(float(s) if s > 0 else 1.0 for s in scales),
    )


def _levels_of(text: pd.Series, cat: CategoricalColumn) -> pd.Series:
    """Missing becomes its own level; levels not seen often enough in training become "(other)"."""
    filled = text.fillna("(missing)").astype(str)
    known = {cat.reference, *cat.levels}
    return filled.where(filled.isin(known), "(other)")
