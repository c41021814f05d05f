"""The shipped comment model: static embeddings, the sentiment and tone heads and the model card,
loaded from the package (never from the network) once per process.

Artifacts are plain numpy arrays and text files, never pickles, so loading them cannot run code.
The folder is written by `peoplealign.ml.train_listen`, which rebuilds it from the shared data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from peoplealign.errors import PeopleAlignError
from peoplealign.listening.sentiment import SentimentModel
from peoplealign.listening.tone import ToneModel
from peoplealign.ml.static_embeddings import StaticEmbeddings

MODEL_VERSION = "listen-static-2"
VOCABULARY_FILE = "vocabulary.txt"
EMBEDDINGS_FILE = "embeddings.npy"
NGRAMS_FILE = "ngrams.txt"
SENTIMENT_FILE = "sentiment.npz"
TONE_FILE = "tone.npz"
CARD_FILE = "model_card.json"


@dataclass(frozen=True)
class ListenModel:
    version: str
    embeddings: StaticEmbeddings
    sentiment: SentimentModel
    tone: ToneModel
    theme_threshold: float
    theme_context_weight: float
    card: dict[str, Any]


def shipped_model_dir(version: str = MODEL_VERSION) -> Path:
    return Path(str(files("peoplealign.listening") / "models" / version))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def load_model_dir(folder: Path) -> ListenModel:
    try:
        card = json.loads((folder / CARD_FILE).read_text(encoding="utf-8"))
        vocabulary = {word: i for i, word in enumerate(_lines(folder / VOCABULARY_FILE))}
        vectors = np.load(folder / EMBEDDINGS_FILE, allow_pickle=False)
        ngram_index = {gram: i for i, gram in enumerate(_lines(folder / NGRAMS_FILE))}
        with np.load(folder / SENTIMENT_FILE, allow_pickle=False) as head:
            ngram_weights, embedding_weights = head["ngram_weights"], head["embedding_weights"]
            bias = float(head["bias"])
        with np.load(folder / TONE_FILE, allow_pickle=False) as head:
            tone = ToneModel(
                head["praising_ngram_weights"].astype(np.float32),
                head["criticising_ngram_weights"].astype(np.float32),
                head["praising_embedding_weights"].astype(np.float32),
                head["criticising_embedding_weights"].astype(np.float32),
                head["amount_weights"].astype(np.float32),
                float(head["bias"]),
            )
    except (OSError, ValueError, KeyError) as exc:
        raise PeopleAlignError(f"the comment model in {folder} is missing or damaged: {exc}") from exc
    if (
        len(vocabulary) != vectors.shape[0]
        or len(ngram_index) != ngram_weights.shape[0]
        or tone.praising_ngram_weights.shape != ngram_weights.shape
    ):
        raise PeopleAlignError(f"the comment model in {folder} is inconsistent: sizes differ")
    return ListenModel(
        version=str(card["version"]),
        embeddings=StaticEmbeddings(vocabulary, vectors.astype(np.float32)),
        sentiment=SentimentModel(ngram_index, ngram_weights.astype(np.float32), embedding_weights, bias),
        tone=tone,
        theme_threshold=float(card["theme_threshold"]),
        theme_context_weight=float(card["theme_context_weight"]),
        card=card,
    )


@cache
def load_shipped_model() -> ListenModel:
    return load_model_dir(shipped_model_dir())
