"""Backtesting the comment model against labelled comments, so its quality on a customer's own
data can be measured before anyone relies on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from peoplealign.errors import InvalidInputError

_LABELS = {
    "positive": "positive", "pos": "positive", "1": "positive", "+1": "positive", "true": "positive",
    "pros": "positive",
    "negative": "negative", "neg": "negative", "0": "negative", "-1": "negative", "false": "negative",
    "cons": "negative",
    "neutral": "neutral",
}  # fmt: skip


@dataclass(frozen=True)
class Evaluation:
    rows: int
    polar_rows: int
    polarity_accuracy: float | None
    label_accuracy: float
    model: str

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "polar_rows": self.polar_rows,
            "polarity_accuracy": self.polarity_accuracy,
            "label_accuracy": self.label_accuracy,
            "model": self.model,
        }


def normalise_labels(labels: Sequence[str], lines: Sequence[int], source: str, column: str) -> list[str]:
    normalised = []
    for row, label in zip(lines, labels, strict=True):
        value = _LABELS.get(label.strip().lower())
        if value is None:
            raise InvalidInputError(
                f"{source}: row {row}: column '{column}': unknown label '{label}' "
                "(use positive/negative/neutral, pos/neg or 1/0/-1)"
            )
        normalised.append(value)
    return normalised


def evaluate(
    expected: Sequence[str], sentiments: Sequence[float], labels: Sequence[str], model: str
) -> Evaluation:
    """Polarity accuracy: on rows labelled positive or negative, is the sign right? Label accuracy:
    on all rows, does the three-way label (with its neutral band) match?"""
    if not expected:
        raise InvalidInputError("nothing to evaluate: the input has no rows")
    polar = [(e, s) for e, s in zip(expected, sentiments, strict=True) if e != "neutral"]
    polarity = sum((s > 0) == (e == "positive") for e, s in polar) / len(polar) if polar else None
    matched = sum(e == label for e, label in zip(expected, labels, strict=True))
    return Evaluation(
        len(expected),
        len(polar),
        None if polarity is None else round(polarity, 4),
        round(matched / len(expected), 4),
        model,
    )
