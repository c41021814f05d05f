"""Which taxonomy themes a clause is about.

Two kinds of evidence: a keyword of the theme in the clause (strong, precise), or a meaning close to
one of the theme's example sentences in embedding space (finds "nobody listens to us" without the
word "manager"). The confidence is the larger of the two; a theme is assigned at or above the
model's threshold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from peoplealign.listening.taxonomy import Taxonomy
from peoplealign.ml.static_embeddings import StaticEmbeddings

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
                self._themes_of_keyword.setdefault(" ".join(keyword.lower().split()), set()).add(index)
        alternatives = sorted((re.escape(k) for k in self._themes_of_keyword), key=len, reverse=True)
        self._keywords = (
            re.compile(r"(?<!\w)(?:" + "|".join(alternatives).replace(r"\ ", r"\s+") + r")(?!\w)", re.I)
            if alternatives
            else None
        )
        examples = [(i, e) for i, theme in enumerate(taxonomy.themes) for e in theme.examples]
        self._example_theme = np.array([i for i, _ in examples], dtype=np.int64)
        self._example_vectors = embeddings.encode([e for _, e in examples]).T

    def keyword_themes(self, clause: str) -> set[int]:
        if self._keywords is None:
            return set()
        found: set[int] = set()
        for match in self._keywords.finditer(clause):
            found |= self._themes_of_keyword[" ".join(match.group(0).lower().split())]
        return found

    def match(self, clauses: Sequence[str], vectors: np.ndarray) -> list[list[ThemeHit]]:
        """Theme hits per clause, `vectors` being the clauses' embeddings."""
        count = len(self.taxonomy.themes)
        similarity = np.zeros((len(clauses), count), dtype=np.float32)
        if self._example_theme.size:
            per_example = vectors @ self._example_vectors
            for theme in range(count):
                columns = per_example[:, self._example_theme == theme]
                if columns.shape[1]:
                    similarity[:, theme] = columns.max(axis=1)
        hits: list[list[ThemeHit]] = []
        for row, clause in enumerate(clauses):
            confidence = similarity[row].copy()
            for theme in self.keyword_themes(clause):
                confidence[theme] = max(confidence[theme], KEYWORD_CONFIDENCE)
            hits.append(
                [ThemeHit(int(t), float(confidence[t])) for t in np.flatnonzero(confidence >= self.threshold)]
            )
        return hits
