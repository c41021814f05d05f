"""Clause sentiment: one linear model over the clause's meaning (its static embedding) and its
words and word pairs (which carry negation and domain usage such as "long hours" or "no raise").
Both see negation: a word a "not", "never" or "rarely" governs counts as its own feature
(`NOT_overloaded`) and with its vector's sign flipped, so "I rarely feel overloaded" is not read as
"overloaded".

Being linear keeps it fast, exactly reproducible from the shipped weights and explainable: every
word pair's weight can be read off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from peoplealign.ml.text_features import scoped_ngrams


@dataclass(frozen=True)
class SentimentModel:
    ngram_index: dict[str, int]
    ngram_weights: np.ndarray  # (ngrams,)
    embedding_weights: np.ndarray  # (dims,)
    bias: float

    def ngram_ids(self, tokens: list[str], negated: list[bool]) -> list[int]:
        lookup = self.ngram_index.get
        return sorted({i for i in (lookup(g) for g in scoped_ngrams(tokens, negated)) if i is not None})

    def logits(self, ngram_ids: Sequence[Sequence[int]], embeddings: np.ndarray) -> np.ndarray:
        """The decision value per text; features are the embedding and the unit-length binary
        n-gram vector, as in training."""
        weights = self.ngram_weights
        lexical = np.fromiter(
            (float(weights[ids].sum()) / np.sqrt(len(ids)) if ids else 0.0 for ids in ngram_ids),
            dtype=np.float32,
            count=len(ngram_ids),
        )
        return embeddings @ self.embedding_weights.astype(np.float32) + lexical + np.float32(self.bias)


def to_sentiment(logits: np.ndarray) -> np.ndarray:
    """Probability of positive mapped onto [-1, 1]: 2·sigmoid(z) − 1 = tanh(z / 2)."""
    return np.tanh(np.asarray(logits, dtype=np.float64) / 2.0)


NEUTRAL_BAND = 0.2


def label_for(sentiment: float) -> str:
    if sentiment >= NEUTRAL_BAND:
        return "positive"
    if sentiment <= -NEUTRAL_BAND:
        return "negative"
    return "neutral"
