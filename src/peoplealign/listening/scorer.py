"""The one object that turns comments into scored records: redact, split into clauses, score each
distinct clause once, then gather clause results per comment.

Identical clauses ("good people", "long hours") are frequent in real comments, so each distinct
clause is featurised and scored once per batch.

A theme's sentiment combines what its own clauses say with the comment's tone (`tone.py`), but a
theme its clauses clearly praise is never reported as criticised, nor the other way round: in
"great pay but my manager never listens" pay stays positive however sour the rest is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peoplealign.listening.model_store import ListenModel, load_shipped_model
from peoplealign.listening.parallel_redaction import redact_all
from peoplealign.listening.sentences import split_clauses, without_connective
from peoplealign.listening.sentiment import NEUTRAL_BAND, label_for, to_sentiment
from peoplealign.listening.taxonomy import Taxonomy, load_taxonomy
from peoplealign.listening.themes import ThemeHit, ThemeMatcher
from peoplealign.listening.tone import ClauseEvidence, ToneFeatures, tone_features
from peoplealign.ml.text_features import negation_scope

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


# A theme whose clauses clearly lean one way keeps that sign, at least this share of their sentiment.
SIGN_FLOOR = 0.1


@dataclass(frozen=True)
class _Clause:
    sentiment: float
    weight: float
    themes: list[ThemeHit]
    evidence: ClauseEvidence


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
        """Every clause scored; the connective ("but", "however") is left out of the features.
        Themes come from what the clause is about (plain vectors), sentiment from what it says
        about it (negation-aware vectors)."""
        scoped = [negation_scope(without_connective(c)) for c in clauses]
        embeddings, sentiment = self.model.embeddings, self.model.sentiment
        known = [embeddings.scoped_ids(tokens, negated) for tokens, negated in scoped]
        plain, aware = embeddings.encode_scoped([i for i, _ in known], [n for _, n in known])
        grams = [sentiment.ngram_ids(tokens, negated) for tokens, negated in scoped]
        scores = to_sentiment(sentiment.logits(grams, aware))
        hits = self.matcher.match([tokens for tokens, _ in scoped], plain)
        return [
            _Clause(float(s), math.sqrt(max(len(t), 1)), h, ClauseEvidence(float(s), len(t), g, v))
            for s, (t, _), h, g, v in zip(scores, scoped, hits, grams, aware, strict=True)
        ]

    def score(self, ids: Sequence[str], texts: Sequence[str]) -> list[ScoredComment]:
        return self.score_redacted(ids, redact_all(self.redactor, texts))

    def score_redacted(self, ids: Sequence[str], redacted: Sequence[str]) -> list[ScoredComment]:
        """Texts already redacted (stored comments): redaction costs more than scoring, so it is
        not repeated."""
        return [
            self._gather(comment_id, text, clauses)
            for comment_id, text, clauses in zip(ids, redacted, self._clauses_of(redacted), strict=True)
        ]

    def _clauses_of(self, redacted: Sequence[str]) -> list[list[_Clause]]:
        clauses_of = [split_clauses(text) for text in redacted]
        distinct = list(dict.fromkeys(c for clauses in clauses_of for c in clauses))
        scored = dict(zip(distinct, self.score_clauses(distinct), strict=True))
        return [[scored[c] for c in clauses] for clauses in clauses_of]

    def _gather(self, comment_id: str, text: str, clauses: list[_Clause]) -> ScoredComment:
        """Comment sentiment: clause sentiments weighted by √words. Theme sentiment: its clauses'
        mean, shrunk towards the comment's tone by the model's context weight."""
        sentiment = _comment_sentiment(clauses)
        per_theme: dict[int, list[tuple[float, float]]] = {}
        for clause in clauses:
            for hit in clause.themes:
                per_theme.setdefault(hit.theme, []).append((hit.confidence, clause.sentiment))
        themes = []
        if per_theme:
            tone = self.model.tone.tone(self._tone_features(clauses, sentiment))
            themes = [
                {
                    "theme": self.taxonomy.themes[theme].name,
                    "confidence": round(max(conf for conf, _ in found), 4),
                    "sentiment": round(self._theme_sentiment([s for _, s in found], tone), 4),
                }
                for theme, found in sorted(per_theme.items())
            ]
        sentiment = round(min(1.0, max(-1.0, sentiment)), 4)
        return ScoredComment(comment_id, text, sentiment, label_for(sentiment), themes, self.model.version)

    def tone_features(self, redacted: Sequence[str]) -> list[ToneFeatures]:
        """What the tone head reads from each comment; training fits the head on these."""
        return [self._tone_features(c, _comment_sentiment(c)) for c in self._clauses_of(redacted)]

    def _tone_features(self, clauses: list[_Clause], sentiment: float) -> ToneFeatures:
        return tone_features([c.evidence for c in clauses], sentiment, self.model.embeddings.dims)

    def _theme_sentiment(self, clause_sentiments: list[float], tone: float) -> float:
        said = sum(clause_sentiments) / len(clause_sentiments)
        context = self.model.theme_context_weight
        value = (1 - context) * said + context * tone
        if said >= NEUTRAL_BAND:
            value = max(value, SIGN_FLOOR * said)
        elif said <= -NEUTRAL_BAND:
            value = min(value, SIGN_FLOOR * said)
        return min(1.0, max(-1.0, value))


def _comment_sentiment(clauses: list[_Clause]) -> float:
    total = sum(c.weight for c in clauses)
    return sum(c.weight * c.sentiment for c in clauses) / total if clauses else 0.0
