"""A comment's tone: how satisfied its writer sounds, on [-1, 1].

Clause sentiment says whether a clause praises or criticises, and it is nearly always clearly one
or the other, so it cannot tell a lukewarm review from a glowing one. The tone head can: a ridge
regression from the comment's praising clauses and its criticising clauses, kept apart (their
words and word pairs, their meaning, how much is said on each side), trained on the training
employers' reviews against the mean of each writer's own star ratings (overall and per aspect),
mapped onto [-1, 1]. Theme sentiment leans on it, because one clause about pay is thin evidence of
how its writer rates pay, and the rest of what they wrote adds to it.

Linear over features the scorer computes anyway, so it costs almost nothing and every weight can
be read off.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClauseEvidence:
    """What the tone head reads from one clause."""

    sentiment: float
    words: int
    ngram_ids: list[int]  # into the sentiment model's n-gram index
    vector: np.ndarray  # negation-aware unit vector, as the sentiment head sees it


@dataclass(frozen=True)
class ToneFeatures:
    praising_ids: list[int]
    criticising_ids: list[int]
    praising_vector: np.ndarray
    criticising_vector: np.ndarray
    amounts: np.ndarray  # log(1 + words praising), log(1 + words criticising), comment sentiment

    @property
    def mixed(self) -> bool:
        """Praise and criticism both: the only kind of comment the head learnt from (every review
        has pros and cons). A one-sided comment's tone is its sentiment."""
        return bool(self.amounts[0] > 0 and self.amounts[1] > 0)

    @property
    def lexical_scale(self) -> float:
        """Each side's n-grams are indicators of a unit-length vector over both sides."""
        count = len(self.praising_ids) + len(self.criticising_ids)
        return 1.0 / math.sqrt(count) if count else 0.0


def tone_features(clauses: Sequence[ClauseEvidence], sentiment: float, dims: int) -> ToneFeatures:
    """The features of a comment; a one-sided comment's are only its amounts, which say so."""
    praising = [c for c in clauses if c.sentiment > 0]
    criticising = [c for c in clauses if c.sentiment <= 0]
    if not praising or not criticising:
        words = float(math.log1p(sum(c.words for c in clauses)))
        empty = np.zeros(dims, dtype=np.float32)
        amounts = [words, 0.0] if praising else [0.0, words]
        return ToneFeatures([], [], empty, empty, np.array([*amounts, sentiment], dtype=np.float32))

    def mean_vector(side: list[ClauseEvidence]) -> np.ndarray:
        return functools.reduce(np.add, (c.vector for c in side)) / len(side)

    return ToneFeatures(
        praising_ids=sorted({i for c in praising for i in c.ngram_ids}),
        criticising_ids=sorted({i for c in criticising for i in c.ngram_ids}),
        praising_vector=mean_vector(praising),
        criticising_vector=mean_vector(criticising),
        amounts=np.array(
            [
                math.log1p(sum(c.words for c in praising)),
                math.log1p(sum(c.words for c in criticising)),
                sentiment,
            ],
            dtype=np.float32,
        ),
    )


@dataclass(frozen=True)
class ToneModel:
    praising_ngram_weights: np.ndarray  # (ngrams,)
    criticising_ngram_weights: np.ndarray  # (ngrams,)
    praising_embedding_weights: np.ndarray  # (dims,)
    criticising_embedding_weights: np.ndarray  # (dims,)
    amount_weights: np.ndarray  # (3,)
    bias: float

    def tone(self, features: ToneFeatures) -> float:
        if not features.mixed:
            return float(features.amounts[2])
        lexical = float(self.praising_ngram_weights[features.praising_ids].sum()) + float(
            self.criticising_ngram_weights[features.criticising_ids].sum()
        )
        value = (
            float(features.praising_vector @ self.praising_embedding_weights)
            + float(features.criticising_vector @ self.criticising_embedding_weights)
            + lexical * features.lexical_scale
            + float(features.amounts @ self.amount_weights)
            + self.bias
        )
        return min(1.0, max(-1.0, value))
