"""Survey metrics as plain functions over answer rows, so the policy layer can apply them to any cell.

Every function takes a DataFrame with one row per answer and the columns `respondent`, `kind`
(the question kind: likert | engagement | enps), `value`, `scale_min` and `scale_max`; per-driver and
per-item measures also read `driver` and `item` (the question code). A cell's `n` is always the
number of distinct respondents whose answers the metric used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from peoplealign.errors import InvalidInputError

ANSWER_COLUMNS = ("respondent", "kind", "value", "scale_min", "scale_max")
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def favourable(answers: pd.DataFrame) -> pd.Series:
    """The top two points of each question's scale (4-5 on 1-5): the industry's usual cut, and
    one that works for 1-5, 1-7 and 1-10 scales alike."""
    return answers["value"] >= answers["scale_max"] - 1


def _engagement_parts(answers: pd.DataFrame) -> pd.DataFrame:
    items = answers[answers["kind"] == "engagement"]
    share = favourable(items).groupby(items["respondent"]).mean()
    return pd.DataFrame({"num": share, "den": 1.0})


def _enps_parts(answers: pd.DataFrame) -> pd.DataFrame:
    items = answers[answers["kind"] == "enps"]
    scores = items.groupby("respondent")["value"].last()
    sign = (scores >= PROMOTER_MIN).astype(float) - (scores <= DETRACTOR_MAX).astype(float)
    return pd.DataFrame({"num": sign, "den": 1.0})


def _favorability_parts(answers: pd.DataFrame) -> pd.DataFrame:
    items = answers[answers["kind"].isin(["likert", "engagement"])]
    grouped = favourable(items).groupby(items["respondent"])
    return pd.DataFrame({"num": grouped.sum().astype(float), "den": grouped.count().astype(float)})


@dataclass(frozen=True)
class SurveyMetric:
    """Every metric is 100 * sum(num) / sum(den) over per-respondent parts, so a cell's value is a
    sum over its members: cheap for hundreds of cells and exactly as additive as its `n`."""

    key: str
    label: str
    kinds: tuple[str, ...]
    parts: Callable[[pd.DataFrame], pd.DataFrame]

    def per_respondent(self, answers: pd.DataFrame) -> dict[str, tuple[float, float]]:
        frame = self.parts(answers)
        return {
            str(r): (float(n), float(d))
            for r, n, d in zip(frame.index, frame["num"], frame["den"], strict=True)
        }

    def compute(self, answers: pd.DataFrame) -> float:
        return combine(self.per_respondent(answers).values())


def combine(parts: Iterable[tuple[float, float]]) -> float:
    num = den = 0.0
    for n, d in parts:
        num += n
        den += d
    return float("nan") if den == 0 else 100 * num / den


METRICS: dict[str, SurveyMetric] = {
    m.key: m
    for m in (
        SurveyMetric("engagement", "Engagement index (% favourable)", ("engagement",), _engagement_parts),
        SurveyMetric("enps", "eNPS", ("enps",), _enps_parts),
        SurveyMetric(
            "favorability", "Favourability (% favourable)", ("likert", "engagement"), _favorability_parts
        ),
    )
}


def engagement_index(answers: pd.DataFrame) -> float:
    """Mean over respondents of each one's share of favourable answers on engagement items, in %.
    Averaging per respondent first keeps someone who answered every item from outweighing someone
    who skipped some."""
    return METRICS["engagement"].compute(answers)


def enps(answers: pd.DataFrame) -> float:
    """Employee Net Promoter Score: % promoters (9-10) minus % detractors (0-6) on the eNPS item.
    A respondent with several eNPS answers counts once, with their last-listed answer."""
    return METRICS["enps"].compute(answers)


def favorability(answers: pd.DataFrame) -> float:
    """Share of favourable answers across all likert-scale items (likert and engagement kinds), in %."""
    return METRICS["favorability"].compute(answers)


def _subset_favorability_parts(column: str, value: str, answers: pd.DataFrame) -> pd.DataFrame:
    return _favorability_parts(answers[answers[column] == value])


def driver_favorability(driver: str) -> SurveyMetric:
    """Share of favourable answers on one driver's items: a heatmap column, a driver-analysis input."""
    parts = partial(_subset_favorability_parts, "driver", driver)
    return SurveyMetric(f"driver:{driver}", driver, ("likert", "engagement"), parts)


def item_favorability(item: str) -> SurveyMetric:
    """Share of favourable answers on one question (by its code), comparable across cycles."""
    parts = partial(_subset_favorability_parts, "item", item)
    return SurveyMetric(f"item:{item}", item, ("likert", "engagement"), parts)


def survey_metric(key: str) -> SurveyMetric:
    try:
        return METRICS[key]
    except KeyError:
        raise InvalidInputError(f"unknown metric {key!r}; expected one of {', '.join(METRICS)}") from None
