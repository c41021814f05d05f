"""The public review sample used to train and evaluate the comment model, split by employer.

Whole employers are held out (not random rows), so the figures measure how the model does on a
workplace it has never seen rather than how well it memorised one firm's vocabulary.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

HELD_OUT_FIRMS = frozenset(
    {"Accenture", "ASOS", "AXA-UK", "AJ-Bell", "Abertawe-Bro-Morgannwg-University-Health-Board"}
)


def load_reviews(path: Path) -> pd.DataFrame:
    import pandas as pd

    frame = pd.read_csv(path, dtype={"pros": str, "cons": str, "firm": str})
    frame["pros"] = frame["pros"].fillna("")
    frame["cons"] = frame["cons"].fillna("")
    return frame


def split_by_firm(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(training firms, held-out firms)."""
    held_out = frame["firm"].isin(HELD_OUT_FIRMS)
    return frame[~held_out].reset_index(drop=True), frame[held_out].reset_index(drop=True)


def pros_cons_texts(frame: pd.DataFrame) -> tuple[list[str], list[int]]:
    """Non-empty pros (label 1) and cons (label 0) texts."""
    texts: list[str] = []
    labels: list[int] = []
    for column, label in (("pros", 1), ("cons", 0)):
        for text in frame[column]:
            if text.strip():
                texts.append(text)
                labels.append(label)
    return texts, labels
