"""Which taxonomy themes a clause is about.

Two kinds of evidence: a keyword of the theme in the clause (strong, precise), or a meaning close to
one of the theme's example sentences in embedding space (finds "nobody listens to us" without the
word "manager"). The confidence is the larger of the two; a theme is assigned at or above the
model's threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from peoplealign.listening.taxonomy import Taxonomy
from peoplealign.ml.static_embeddings import StaticEmbeddings
from peoplealign.ml.text_features import words

KEYWORD_CONFIDENCE = 0.9


@dataclass(frozen=True)
class ThemeHit:
    theme: int
    confidence: float


class ThemeMatcher:
    def __init__(self, taxonomy: Taxonomy, embeddings: StaticEmbeddings, threshold: float) -> None:
        self.taxonomy = taxonomy
        self.threshold = threshold
        self._themes_of_keyword: dict[str, set[int]] = {}
        for index, theme in enumerate(taxonomy.themes):
            for keyword in theme.keywords:
                normalised = " ".join(words(keyword))
                if normalised:
                    self._themes_of_keyword.setdefault(normalised, set()).add(index)
        self._single_words = frozenset(k for k in self._themes_of_keyword if " " not in k)
        self._phrases = [(f" {k} ", t) for k, t in self._themes_of_keyword.items() if " " in k]
        examples = [(i, e) for i, theme in enumerate(taxonomy.themes) for e in theme.examples]
        self._example_theme = np.array([i for i, _ in examples], dtype=np.int64)
        self._example_vectors = embeddings.encode([e for _, e in examples]).T

    def keyword_themes(self, tokens: Sequence[str]) -> set[int]:
        """Themes with a keyword among the clause's words; keywords are matched after the same
        tokenisation, so "work-life balance" and "work/life balance" are the same keyword."""
        found: set[int] = set()
        for word in self._single_words.intersection(tokens):
            found |= self._themes_of_keyword[word]
        if len(tokens) > 1:
            padded = f" {' '.join(tokens)} "
            for phrase, themes in self._phrases:
                if phrase in padded:
                    found |= themes
        return found

    def match(self, clause_tokens: Sequence[Sequence[str]], vectors: np.ndarray) -> list[list[ThemeHit]]:
        """Theme hits per clause, given each clause's words and embedding."""
        confidence = np.zeros((len(clause_tokens), len(self.taxonomy.themes)), dtype=np.float32)
        if self._example_theme.size:
            per_example = vectors @ self._example_vectors
            for theme in range(confidence.shape[1]):
                columns = per_example[:, self._example_theme == theme]
                if columns.shape[1]:
                    confidence[:, theme] = columns.max(axis=1)
        for row, tokens in enumerate(clause_tokens):
            for theme in self.keyword_themes(tokens):
                confidence[row, theme] = max(confidence[row, theme], KEYWORD_CONFIDENCE)
        hits: list[list[ThemeHit]] = [[] for _ in clause_tokens]
        rows, themes = np.nonzero(confidence >= self.threshold)
        for row, theme in zip(rows.tolist(), themes.tolist(), strict=True):
            hits[row].append(ThemeHit(theme, float(confidence[row, theme])))
        return hits
