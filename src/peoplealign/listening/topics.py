"""Emerging topics: what people write about that the taxonomy has no theme for.

A customer's taxonomy names what leadership already expects to hear; the topics nobody anticipated
are the ones that fit no theme. So the clauses of stored (already redacted) survey comments across
the cycles up to the chosen one are scored with the shipped model, the clauses with no theme hit are
embedded with its static embeddings and clustered by HDBSCAN, which leaves clauses that belong to no
dense group as noise instead of forcing them into a topic. A cluster is kept when it is coherent
(mean cosine similarity of its clauses to their centroid at least `MIN_COHESION`) and shown only when
at least k_comments people wrote it; its label is the c-TF-IDF key phrases that at least k_aggregate
of its writers used, so a label never repeats one person's words.

Every figure leaves through the policy layer's comment corpus: the trend is the topic's share of
each cycle's comments as a released cell, the breakdown comes from the same anonymity decision, and
the quotes only from writers in teams of at least k_comments people.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from peoplealign.listening.sentences import split_clauses
from peoplealign.listening.theme_report import cycles_up_to
from peoplealign.ml.text_features import words
from peoplealign.policy import snapshots
from peoplealign.policy.comment_access import (
    CommentCorpus,
    CorpusComment,
    QuoteRelease,
    QuoteRequest,
    comment_corpus,
)
from peoplealign.policy.gateway import PersonalData

if TYPE_CHECKING:
    from peoplealign.listening.scorer import CommentScorer

MIN_WORDS = 3  # "thanks", "nothing else": too short to be about anything
MIN_COHESION = 0.55
MAX_CLUSTERED = 5000  # HDBSCAN's exact neighbours hold n x n distances: 200 MB at this size
KEY_PHRASES = 3
DEFAULT_QUOTES = 3
METHOD = (
    "clauses that match no taxonomy theme, embedded with the shipped static embeddings and clustered "
    f"by HDBSCAN (noise left out; beyond {MAX_CLUSTERED} clauses a fixed sample, the rest joining the "
    "nearest similar cluster); clusters kept at mean cosine similarity to their centroid of at "
    f"least {MIN_COHESION}; labels are c-TF-IDF key phrases (1-3 words) used by at least k_aggregate "
    "writers; trend = share of each cycle's comments, slope by least squares in points per cycle"
)
_PLACEHOLDER = re.compile(r"<[A-Z_]+>")


@dataclass(frozen=True)
class TopicPoint:
    """One figure of a topic: its share of a cell's comments and, with enough writers, its tone."""

    survey: str | None
    group: dict[str, Any]
    n: int | None
    share: float | None
    sentiment: float | None
    suppressed: bool
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Topic:
    label: str
    key_phrases: list[str]
    clauses: int
    writers: int
    sentiment: float
    cohesion: float
    slope: float | None  # change in share of comments, percentage points per cycle
    trend: list[TopicPoint]
    cells: list[TopicPoint]
    quotes: QuoteRelease

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "key_phrases": self.key_phrases,
            "clauses": self.clauses,
            "writers": self.writers,
            "sentiment": self.sentiment,
            "cohesion": self.cohesion,
            "slope": self.slope,
            "trend": [p.as_dict() for p in self.trend],
            "cells": [c.as_dict() for c in self.cells],
            **self.quotes.as_dict(),
        }


@dataclass(frozen=True)
class TopicReport:
    survey: str
    cycles: list[str]
    by: list[str]
    k: int
    model: str
    unthemed_clauses: int
    hidden_topics: int  # coherent clusters with fewer than k writers
    topics: list[Topic] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "cycles": self.cycles,
            "by": self.by,
            "k": self.k,
            "model": self.model,
            "method": METHOD,
            "unthemed_clauses": self.unthemed_clauses,
            "hidden_topics": self.hidden_topics,
            "topics": [t.as_dict() for t in self.topics],
        }


@dataclass(frozen=True)
class _Clause:
    cycle: int
    comment: CorpusComment
    text: str
    sentiment: float


@dataclass(frozen=True)
class _Found:
    """What clustering one audience's comments found, kept per data version: everything but the
    quotes, which are released (and audited) per read from that read's own corpora."""

    unthemed_clauses: int
    hidden_topics: int
    topics: tuple[tuple[Topic, tuple[_Candidates, ...]], ...]  # each with its quote candidates per cycle


_Candidates = tuple[tuple[int, str], ...]  # (comment id, clause) of one cycle, most central first


def emerging_topics(
    reader: PersonalData,
    scorer: CommentScorer,
    survey_id: int | str | None = None,
    by: Sequence[str] = (),
    quotes: int = DEFAULT_QUOTES,
) -> TopicReport:
    """Topics in the comments of the chosen survey (default: the latest) and its earlier cycles,
    emerging first (steepest rise in share), each with its figures per group of `by`.

    Scoring, clustering and labelling take seconds at 5,000 people, so what they find is kept per
    data version (`policy.snapshots`) for each audience: the key holds the cycles, the breakdown,
    k and k_aggregate, the model version and the corpus's audience key (a manager's line is its own
    corpus). Every read still opens its corpora through the policy layer (authorised and audited),
    has its breakdown authorised, and releases its quotes itself."""
    chosen = reader.survey(survey_id)
    cycles = cycles_up_to(reader, chosen)
    corpora = [comment_corpus(reader, s.id) for s in cycles]
    corpora[-1].authorize(by)
    key = (
        "emerging_topics",
        tuple(s.id for s in cycles),
        tuple(by),
        reader.charter.k_aggregate,
        scorer.model.version,
        corpora[-1].audience_key,
    )
    found = snapshots.cached(
        reader.session, key, lambda: _find(corpora, cycles, scorer, by, reader.charter.k_aggregate)
    )
    released = _quotes(corpora, found.topics, quotes)
    topics = [replace(topic, quotes=q) for (topic, _), q in zip(found.topics, released, strict=True)]
    return TopicReport(
        chosen.code,
        [s.code for s in cycles],
        list(by),
        corpora[-1].k,
        scorer.model.version,
        found.unthemed_clauses,
        found.hidden_topics,
        topics,
    )


def _find(
    corpora: Sequence[CommentCorpus],
    cycles: Sequence[Any],
    scorer: CommentScorer,
    by: Sequence[str],
    min_writers: int,
) -> _Found:
    """The coherent topics at least k people wrote about, emerging first, without quotes."""
    k = corpora[-1].k
    unthemed = _unthemed_clauses(scorer, corpora)
    labels, vectors = _clusters(scorer, unthemed, k)
    topics, hidden = [], 0
    for label in sorted(set(labels.tolist()) - {-1}):
        members = [c for c, lab in zip(unthemed, labels.tolist(), strict=True) if lab == label]
        member_vectors = vectors[labels == label]
        centroid = member_vectors.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        similarity = member_vectors @ centroid
        cohesion = float(similarity.mean())
        if cohesion < MIN_COHESION:
            continue
        if len({c.comment.writer for c in members}) < k:
            hidden += 1
            continue
        order = np.argsort(-similarity, kind="stable")
        topics.append((members, [members[i] for i in order], cohesion))
    phrases = [
        found or _common_clause(ranked, min_writers)
        for found, (_, ranked, _) in zip(
            _key_phrases([m for m, _, _ in topics], unthemed, min_writers), topics, strict=True
        )
    ]
    found = [
        (
            _topic(corpora, cycles, members, cohesion, found_phrases, by),
            tuple(tuple((c.comment.id, c.text) for c in ranked if c.cycle == i) for i in range(len(cycles))),
        )
        for (members, ranked, cohesion), found_phrases in zip(topics, phrases, strict=True)
    ]
    found.sort(key=lambda t: (-(t[0].slope if t[0].slope is not None else -math.inf), -t[0].writers))
    return _Found(len(unthemed), hidden, tuple(found))


def _unthemed_clauses(scorer: CommentScorer, corpora: Sequence[CommentCorpus]) -> list[_Clause]:
    """Clauses of at least `MIN_WORDS` words that the model finds no theme in, each distinct clause
    scored once."""
    found = [
        (cycle, comment, clause)
        for cycle, corpus in enumerate(corpora)
        for comment in corpus.comments
        for clause in split_clauses(comment.text)
        if len(words(clause)) >= MIN_WORDS
    ]
    distinct = list(dict.fromkeys(clause for _, _, clause in found))
    scored = dict(zip(distinct, scorer.score_clauses(distinct), strict=True))
    return [
        _Clause(cycle, comment, clause, scored[clause].sentiment)
        for cycle, comment, clause in found
        if not scored[clause].themes
    ]


def _clusters(scorer: CommentScorer, clauses: Sequence[_Clause], k: int) -> tuple[np.ndarray, np.ndarray]:
    """A cluster label per clause (-1: noise) and the clause vectors; clauses without a known word
    are noise. HDBSCAN's exact (brute-force) neighbours are several times faster than its trees in
    this many dimensions but hold all pairwise distances, so beyond `MAX_CLUSTERED` clauses a fixed
    sample is clustered and the others join the nearest cluster they are similar enough to."""
    vectors = scorer.model.embeddings.encode([c.text for c in clauses])
    labels = np.full(len(clauses), -1, dtype=np.int64)
    known = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    if len(known) < k:
        return labels, vectors
    from sklearn.cluster import HDBSCAN

    fit = known
    if len(known) > MAX_CLUSTERED:
        fit = np.sort(np.random.default_rng(0).choice(known, MAX_CLUSTERED, replace=False))
    # Unit vectors: Euclidean distance orders pairs exactly as cosine similarity does.
    found = HDBSCAN(min_cluster_size=k, min_samples=min(k, 5), algorithm="brute", copy=True).fit_predict(
        vectors[fit]
    )
    labels[fit] = found
    rest = np.setdiff1d(known, fit)
    ids = np.unique(found[found >= 0])
    if rest.size and ids.size:
        centroids = np.stack([vectors[fit][found == i].mean(axis=0) for i in ids])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        similarity = vectors[rest] @ centroids.T
        labels[rest] = np.where(similarity.max(axis=1) >= MIN_COHESION, ids[similarity.argmax(axis=1)], -1)
    return labels, vectors


def _key_phrases(
    topics: Sequence[Sequence[_Clause]], everything: Sequence[_Clause], min_writers: int
) -> list[list[str]]:
    """c-TF-IDF per topic against all unthemed clauses (BERTopic's class-based TF-IDF): a phrase
    frequent in the topic and rare elsewhere ranks high; only phrases `min_writers` of the topic's
    writers used, and none contained in a better one."""
    if not topics:
        return []
    from sklearn.feature_extraction.text import CountVectorizer

    def clean(text: str) -> str:
        return _PLACEHOLDER.sub(" ", text)

    vectorizer = CountVectorizer(ngram_range=(1, 3), stop_words="english", lowercase=True)
    vectorizer.fit([clean(c.text) for c in everything])
    terms = vectorizer.get_feature_names_out()
    per_topic = [vectorizer.transform([clean(c.text) for c in topic]) for topic in topics]
    counts = np.vstack([np.asarray(m.sum(axis=0)).ravel() for m in per_topic]).astype(float)
    total = np.asarray(vectorizer.transform([clean(c.text) for c in everything]).sum(axis=0)).ravel()
    average_words = counts.sum() / len(topics)
    scores = (
        counts
        / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        * np.log1p(average_words / np.maximum(total, 1))
    )
    found = []
    for topic, matrix, row in zip(topics, per_topic, scores, strict=True):
        writers_of_term = _writers_per_term(matrix, [c.comment.writer for c in topic])
        chosen: list[str] = []
        for index in np.argsort(-row, kind="stable"):
            term = str(terms[index])
            if row[index] <= 0 or len(chosen) == KEY_PHRASES:
                break
            if writers_of_term[index] < min_writers or any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
        found.append(chosen)
    return found


def _common_clause(ranked: Sequence[_Clause], min_writers: int) -> list[str]:
    """When no key phrase survives ("something has to give" is all stop words), the topic's central
    clause labels it, if at least `min_writers` people wrote those very words."""
    central = ranked[0].text.casefold()
    writers = {c.comment.writer for c in ranked if c.text.casefold() == central}
    return [central] if len(writers) >= min_writers else []


def _writers_per_term(matrix: Any, writers: Sequence[str]) -> np.ndarray:
    """For each term, how many distinct writers used it (rows of `matrix` are the writers' clauses)."""
    from scipy.sparse import csr_matrix

    index = {w: i for i, w in enumerate(dict.fromkeys(writers))}
    owner = csr_matrix(
        (np.ones(len(writers)), (np.arange(len(writers)), [index[w] for w in writers])),
        shape=(len(writers), len(index)),
    )
    used = (matrix > 0).astype(np.int64).T @ owner  # terms x writers: clauses using the term
    return np.asarray((used > 0).sum(axis=1)).ravel()


def _topic(
    corpora: Sequence[CommentCorpus],
    cycles: Sequence[Any],
    members: Sequence[_Clause],
    cohesion: float,
    phrases: list[str],
    by: Sequence[str],
) -> Topic:
    """A topic's figures; its quotes are released per read (`emerging_topics`)."""
    trend = [
        _point(corpus, [c for c in members if c.cycle == index], (), survey.code)[0]
        for index, (corpus, survey) in enumerate(zip(corpora, cycles, strict=True))
    ]
    latest = [c for c in members if c.cycle == len(corpora) - 1]
    cells = _point(corpora[-1], latest, by, None) if by else []
    shown = [(i, p.share) for i, p in enumerate(trend) if p.share is not None]
    slope = None
    if len(shown) >= 2:
        x, y = np.array([i for i, _ in shown], dtype=float), np.array([s for _, s in shown]) * 100
        slope = round(float(np.polyfit(x, y, 1)[0]), 2)
    return Topic(
        " · ".join(phrases) or "(no phrase shared by enough writers to label it)",
        phrases,
        len(members),
        len({c.comment.writer for c in members}),
        round(sum(c.sentiment for c in members) / len(members), 4),
        round(cohesion, 4),
        slope,
        trend,
        cells,
        QuoteRelease([], None),
    )


def _point(
    corpus: CommentCorpus, clauses: Sequence[_Clause], by: Sequence[str], survey: str | None
) -> list[TopicPoint]:
    """The topic's share of each released cell's comments and, where at least k of the cell's
    writers wrote about it, its mean sentiment."""
    ids = {c.comment.id for c in clauses}
    written_by: dict[str, int] = {}
    for comment in corpus.comments:
        written_by[comment.writer] = written_by.get(comment.writer, 0) + 1
    on_topic: dict[str, list[float]] = {}
    for clause in clauses:
        on_topic.setdefault(clause.comment.writer, []).append(clause.sentiment)
    topic_comments: dict[str, int] = {}
    for comment in corpus.comments:
        if comment.id in ids:
            topic_comments[comment.writer] = topic_comments.get(comment.writer, 0) + 1

    def share(members: frozenset[str]) -> float:
        mine = sum(topic_comments.get(m, 0) for m in members)
        return mine / max(sum(written_by.get(m, 0) for m in members), 1)

    def sentiment(members: frozenset[str]) -> float:
        writers = [m for m in members if m in on_topic]
        if len(writers) < corpus.k:
            return float("nan")
        scores = [s for m in writers for s in on_topic[m]]
        return sum(scores) / len(scores)

    shares = corpus.cells(by, share).cells
    moods = corpus.cells(by, sentiment).cells
    points = []
    for cell, mood in zip(shares, moods, strict=True):
        if cell.suppressed or cell.value is None:
            points.append(TopicPoint(survey, dict(cell.group), None, None, None, True, cell.reason))
            continue
        tone = None if mood.value is None or math.isnan(mood.value) else round(mood.value, 4)
        points.append(TopicPoint(survey, dict(cell.group), cell.n, round(cell.value, 4), tone, False, None))
    return points


def _quotes(
    corpora: Sequence[CommentCorpus], topics: Sequence[tuple[Topic, tuple[_Candidates, ...]]], limit: int
) -> list[QuoteRelease]:
    """For each topic, the clauses closest to its centre, the latest cycle first, from quotable
    writers. Each cycle releases every topic's quotes at once: one audited read, not one per topic."""
    texts: list[list[str]] = [[] for _ in topics]
    reasons: list[str | None] = [None for _ in topics]
    for cycle in reversed(range(len(corpora))):
        wanting = [i for i in range(len(topics)) if len(texts[i]) < limit]
        if not wanting:
            break
        requests = []
        for i in wanting:
            taken = {t.casefold() for t in texts[i]}
            fresh = [c for c in topics[i][1][cycle] if c[1].casefold() not in taken]
            context = {"topic": topics[i][0].key_phrases}
            requests.append(QuoteRequest(fresh, limit - len(texts[i]), context))
        for i, release in zip(wanting, corpora[cycle].release_quotes(requests), strict=True):
            texts[i].extend(release.texts)
            reasons[i] = reasons[i] or release.reason
    return [
        QuoteRelease(found, reason if len(found) < limit else None)
        for found, reason in zip(texts, reasons, strict=True)
    ]
