"""Static word embeddings: a sentence vector is the mean of its words' vectors.

The vectors are distilled from MiniLM (each word passed through the transformer alone, then
reduced by PCA), which keeps most of its sense of meaning at a thousandth of the cost: scoring needs
numpy only, no torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from peoplealign.ml.text_features import words

_CHUNK = 256


@dataclass(frozen=True)
class StaticEmbeddings:
    vocabulary: dict[str, int]
    vectors: np.ndarray  # (words, dims) float32, frequent words shorter (they carry less meaning)

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    def token_ids(self, tokens: Sequence[str]) -> list[int]:
        lookup = self.vocabulary.get
        return [i for i in (lookup(w) for w in tokens) if i is not None]

    def encode_ids(self, ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Unit-length mean vectors; a text without known words gets the zero vector. Texts are
        taken in chunks so the gathered word vectors stay small enough for the CPU cache."""
        out = np.zeros((len(ids), self.dims), dtype=np.float32)
        for start in range(0, len(ids), _CHUNK):
            out[start : start + _CHUNK] = self._encode_chunk(ids[start : start + _CHUNK])
        return out

    def _encode_chunk(self, ids: Sequence[Sequence[int]]) -> np.ndarray:
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        out = np.zeros((len(ids), self.dims), dtype=np.float32)
        nonempty = lengths > 0
        if not nonempty.any():
            return out
        flat = np.fromiter((i for x in ids for i in x), dtype=np.int64, count=int(lengths.sum()))
        starts = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
        sums = np.add.reduceat(self.vectors[flat], starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out[nonempty] = sums / np.maximum(norms, 1e-9)
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_ids([self.token_ids(words(t)) for t in texts])
