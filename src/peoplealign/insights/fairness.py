"""Fairness of a flag (e.g. "top decile of flight risk") across the groups of a protected attribute.

Two numbers per attribute: the selection-rate ratio (lowest group's flag rate over the highest's;
the four-fifths rule says at least 0.8) and the equalized-odds difference (the largest gap between
groups in true- or false-positive rate, from fairlearn). Groups smaller than the charter's minimum
group size are reported but not compared: a rate over three people says nothing.
Numeric attributes such as age are banded first, so "age" is audited as age bands.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

QUANTILE_BANDS = 4  # bands for a numeric attribute with many values


@dataclass(frozen=True)
class GroupRate:
    group: str
    n: int
    selection_rate: float
    compared: bool


@dataclass(frozen=True)
class AttributeAudit:
    attribute: str
    groups: list[GroupRate]
    selection_rate_ratio: float | None  # None when fewer than two groups are large enough
    equalized_odds_difference: float | None
    passed: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def band(values: pd.Series) -> pd.Series:
    """Text stays as it is (blank becomes "(missing)"); a number with many distinct values becomes
    quantile bands such as "30 to <36", so every band is big enough to compare."""
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    filled = text.notna() & (text != "")
    if filled.any() and numbers[filled].notna().mean() >= 0.95 and numbers.nunique() > 8:
        edges = np.unique(
            np.nanquantile(numbers.to_numpy(dtype=float), np.linspace(0, 1, QUANTILE_BANDS + 1))
        )
        labels = [f"{lo:g} to <{hi:g}" for lo, hi in itertools.pairwise(edges[:-1])]
        labels.append(f"{edges[-2]:g} to {edges[-1]:g}")
        index = np.clip(
            np.searchsorted(edges, numbers.fillna(edges[0]), side="right") - 1, 0, len(labels) - 1
        )
        banded = np.where(numbers.isna(), "(missing)", np.array(labels, dtype=object)[index])
        return pd.Series(banded, index=values.index, dtype=object)
    return text.fillna("(missing)").replace("", "(missing)").astype(str)


def audit_attribute(
    attribute: str,
    groups: pd.Series,
    flag: np.ndarray,
    outcome: np.ndarray | None,
    *,
    min_ratio: float,
    min_group_size: int,
) -> AttributeAudit:
    """Selection-rate ratio of `flag` over groups of at least `min_group_size`, and, when outcomes are
    known, the equalized-odds difference over the same groups."""
    labels = groups.astype(str).to_numpy()
    rates: list[GroupRate] = []
    for group in sorted(set(labels)):
        members = labels == group
        rates.append(
            GroupRate(
                group, int(members.sum()), float(flag[members].mean()), int(members.sum()) >= min_group_size
            )
        )
    compared = [r for r in rates if r.compared]
    if len(compared) < 2:
        return AttributeAudit(
            attribute,
            rates,
            None,
            None,
            True,
            f"fewer than two groups of at least {min_group_size} people: nothing to compare",
        )
    highest = max(r.selection_rate for r in compared)
    lowest = min(r.selection_rate for r in compared)
    ratio = 1.0 if highest == 0 else lowest / highest
    eod = None
    if outcome is not None:
        from fairlearn.metrics import equalized_odds_difference

        keep = np.isin(labels, [r.group for r in compared])
        eod = float(
            equalized_odds_difference(outcome[keep], flag[keep].astype(int), sensitive_features=labels[keep])
        )
    passed = ratio >= min_ratio
    reason = (
        f"selection-rate ratio {ratio:.2f} is at least {min_ratio:g}"
        if passed
        else f"selection-rate ratio {ratio:.2f} is below {min_ratio:g}"
    )
    return AttributeAudit(attribute, rates, ratio, eod, passed, reason)
