"""The one object that turns comments into scored records: redact, split into clauses, score each
distinct clause once, then gather clause results per comment.

Identical clauses ("good people", "long hours") are frequent in real comments, so each distinct
clause is featurised and scored once per batch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peoplealign.listening.model_store import ListenModel, load_shipped_model
from peoplealign.listening.parallel_redaction import redact_all
from peoplealign.listening.sentences import split_clauses, without_connective
from peoplealign.listening.sentiment import label_for, to_sentiment
from peoplealign.listening.taxonomy import Taxonomy, load_taxonomy
from peoplealign.listening.themes import ThemeHit, ThemeMatcher
from peoplealign.ml.text_features import words

if TYPE_CHECKING:
    from peoplealign.policy.redaction import Redactor


@dataclass(frozen=True)
class ScoredComment:
    id: str
    redacted_text: str
    sentiment: float
    label: str
    themes: list[dict[str, Any]]
    model: str

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "redacted_text": self.redacted_text,
            "sentiment": self.sentiment,
            "label": self.label,
            "themes": self.themes,
            "model": self.model,
        }


@dataclass(frozen=True)
class _Clause:
    sentiment: float
    weight: float
    themes: list[ThemeHit]


def _default_redactor() -> Redactor:
    from peoplealign.policy.redaction import Redactor

    return Redactor(directory_names=())


class CommentScorer:
    def __init__(
        self,
        model: ListenModel | None = None,
        taxonomy: Taxonomy | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        self.model = model or load_shipped_model()
        self.taxonomy = taxonomy or load_taxonomy()
        self._redactor = redactor
        self.matcher = ThemeMatcher(self.taxonomy, self.model.embeddings, self.model.theme_threshold)

    @property
    def redactor(self) -> Redactor:
        """Built on first use: loading the name recogniser takes seconds, and comments redacted
        before they were stored need none."""
        if self._redactor is None:
            self._redactor = _default_redactor()
        return self._redactor

    def score_clauses(self, clauses: Sequence[str]) -> list[_Clause]:
        """Every clause scored; the connective ("but", "however") is left out of the features."""
        tokens = [words(without_connective(c)) for c in clauses]
        embeddings, sentiment = self.model.embeddings, self.model.sentiment
        vectors = embeddings.encode_ids([embeddings.token_ids(t) for t in tokens])
        scores = to_sentiment(sentiment.logits([sentiment.ngram_ids(t) for t in tokens], vectors))
        hits = self.matcher.match(tokens, vectors)
        return [
            _Clause(float(s), math.sqrt(max(len(t), 1)), h)
            for s, t, h in zip(scores, tokens, hits, strict=True)
        ]

    def score(self, ids: Sequence[str], texts: Sequence[str]) -> list[ScoredComment]:
        return self.score_redacted(ids, redact_all(self.redactor, texts))

    def score_redacted(self, ids: Sequence[str], redacted: Sequence[str]) -> list[ScoredComment]:
        """Texts already redacted (stored comments): redaction costs more than scoring, so it is
        not repeated."""
        clauses_of = [split_clauses(text) for text in redacted]
        distinct = list(dict.fromkeys(c for clauses in clauses_of for c in clauses))
        scored = dict(zip(distinct, self.score_clauses(distinct), strict=True))
        return [
            self._gather(comment_id, text, [scored[c] for c in clauses])
            for comment_id, text, clauses in zip(ids, redacted, clauses_of, strict=True)
        ]

    def _gather(self, comment_id: str, text: str, clauses: list[_Clause]) -> ScoredComment:
        """Comment sentiment: clause sentiments weighted by √words. Theme sentiment: its clauses'
        mean, shrunk towards the comment's tone by the model's context weight."""
        total = sum(c.weight for c in clauses)
        sentiment = sum(c.weight * c.sentiment for c in clauses) / total if clauses else 0.0
        per_theme: dict[int, list[tuple[float, float]]] = {}
        for clause in clauses:
            for hit in clause.themes:
                per_theme.setdefault(hit.theme, []).append((hit.confidence, clause.sentiment))
        context = self.model.theme_context_weight
        themes = [
            {
                "theme": self.taxonomy.themes[theme].name,
                "confidence": round(max(conf for conf, _ in found), 4),
                "sentiment": round(
                    (1 - context) * sum(s for _, s in found) / len(found) + context * sentiment, 4
                ),
            }
            for theme, found in sorted(per_theme.items())
        ]
        sentiment = round(min(1.0, max(-1.0, sentiment)), 4)
        return ScoredComment(comment_id, text, sentiment, label_for(sentiment), themes, self.model.version)
