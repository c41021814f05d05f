"""Tokenisation shared by training and scoring, and static-embedding pooling."""

from __future__ import annotations

import numpy as np

from peoplealign.listening.model_store import shipped_model_dir
from peoplealign.ml.static_embeddings import StaticEmbeddings
from peoplealign.ml.text_features import negation_scope, ngrams, scoped_ngrams, words


def test_words_lowercase_and_normalise_apostrophes() -> None:
    assert words("Don’t LOVE the 9-5, work/life") == ["don't", "love", "the", "9", "5", "work", "life"]


def test_ngrams_add_adjacent_pairs() -> None:
    assert ngrams(["not", "good", "pay"]) == ["not", "good", "pay", "not good", "good pay"]


def test_encode_is_the_unit_mean_of_known_words() -> None:
    vectors = np.array([[1, 0], [0, 1], [3, 3]], dtype=np.float32)
    embeddings = StaticEmbeddings({"good": 0, "pay": 1, "team": 2}, vectors)
    encoded = embeddings.encode(["good pay", "unknown words only", "team", ""])
    np.testing.assert_allclose(encoded[0], [np.sqrt(0.5), np.sqrt(0.5)], rtol=1e-6)
    np.testing.assert_array_equal(encoded[1], [0, 0])
    np.testing.assert_allclose(encoded[2], [np.sqrt(0.5), np.sqrt(0.5)], rtol=1e-6)
    np.testing.assert_array_equal(encoded[3], [0, 0])


def test_encode_in_chunks_matches_one_by_one() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    embeddings = StaticEmbeddings({f"w{i}": i for i in range(50)}, vectors)
    lengths = rng.integers(0, 6, size=600)
    texts = [" ".join(f"w{j}" for j in rng.integers(0, 50, size=int(n))) for n in lengths]
    together = embeddings.encode(texts)
    alone = np.vstack([embeddings.encode([t]) for t in texts])
    np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-6)


def test_shipped_artifacts_are_small_and_free_of_pickles() -> None:
    folder = shipped_model_dir()
    files = list(folder.iterdir())
    assert sum(f.stat().st_size for f in files) < 20 * 1024 * 1024
    assert not [f for f in files if f.suffix in {".pkl", ".pickle", ".joblib"}]
    assert np.load(folder / "embeddings.npy", allow_pickle=False).dtype == np.float16


def test_negation_reaches_to_the_end_of_its_stretch() -> None:
    tokens, negated = negation_scope("I rarely feel overloaded, great team")
    assert tokens == ["i", "rarely", "feel", "overloaded", "great", "team"]
    assert negated == [False, False, True, True, False, False]
    assert negation_scope("the pay isn't bad")[1] == [False, False, False, True]
    assert negation_scope("Great pay, long hours") == (["great", "pay", "long", "hours"], [False] * 4)


def test_scoped_ngrams_mark_negated_words_and_pairs() -> None:
    tokens, negated = negation_scope("never too busy")
    assert scoped_ngrams(tokens, negated) == ["never", "NOT_too", "NOT_busy", "NOT_never too", "NOT_too busy"]
    assert scoped_ngrams(["good", "pay"], [False, False]) == ngrams(["good", "pay"])


def test_negation_aware_encoding_flips_negated_words_only() -> None:
    vectors = np.array([[1, 0], [0, 1]], dtype=np.float32)
    embeddings = StaticEmbeddings({"good": 0, "pay": 1}, vectors)
    ids, flags = embeddings.scoped_ids(["not", "good", "pay"], [False, True, True])
    assert (ids, flags) == ([0, 1], [True, True])
    plain, aware = embeddings.encode_scoped([ids, [0]], [flags, [False]])
    np.testing.assert_allclose(plain[0], [np.sqrt(0.5), np.sqrt(0.5)], rtol=1e-6)
    np.testing.assert_allclose(aware[0], [-np.sqrt(0.5), -np.sqrt(0.5)], rtol=1e-6)
    np.testing.assert_allclose(aware[1], plain[1])
    np.testing.assert_array_equal(embeddings.encode_ids([ids]), plain[:1])
