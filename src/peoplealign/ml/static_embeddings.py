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

    def scoped_ids(self, tokens: Sequence[str], negated: Sequence[bool]) -> tuple[list[int], list[bool]]:
        """Known words' ids with their negation flags (see `text_features.negation_scope`)."""
        if not any(negated):
            ids = self.token_ids(tokens)
            return ids, [False] * len(ids)
        lookup = self.vocabulary.get
        known = [
            (i, n) for i, n in ((lookup(w), n) for w, n in zip(tokens, negated, strict=True)) if i is not None
        ]
        return [i for i, _ in known], [n for _, n in known]

    def encode_ids(self, ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Unit-length mean vectors; a text without known words gets the zero vector. Texts are
        taken in chunks so the gathered word vectors stay small enough for the CPU cache."""
        return self.encode_scoped(ids, None)[0]

    def encode_scoped(
        self, ids: Sequence[Sequence[int]], negated: Sequence[Sequence[bool]] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(plain, negation-aware) unit mean vectors. In the negation-aware one a negated word's
        vector counts with its sign flipped, so "rarely overloaded" points away from "overloaded"
        for a linear sentiment head; the plain one is what the text is about, for themes. Without
        `negated` both are the plain vectors."""
        plain = np.zeros((len(ids), self.dims), dtype=np.float32)
        aware = plain if negated is None else np.zeros_like(plain)
        for start in range(0, len(ids), _CHUNK):
            part = slice(start, start + _CHUNK)
            plain[part], signed = self._encode_chunk(ids[part], None if negated is None else negated[part])
            if negated is not None:
                aware[part] = signed
        return plain, aware

    def _encode_chunk(
        self, ids: Sequence[Sequence[int]], negated: Sequence[Sequence[bool]] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        plain = np.zeros((len(ids), self.dims), dtype=np.float32)
        signed = np.zeros_like(plain)
        nonempty = lengths > 0
        if not nonempty.any():
            return plain, signed
        total = int(lengths.sum())
        flat = np.fromiter((i for x in ids for i in x), dtype=np.int64, count=total)
        starts = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
        gathered = self.vectors[flat].astype(np.float32, copy=False)
        plain[nonempty] = _unit(np.add.reduceat(gathered, starts, axis=0))
        if negated is None:
            return plain, plain
        flips = np.fromiter((f for x in negated for f in x), dtype=np.bool_, count=total)
        gathered[flips] *= -1.0
        signed[nonempty] = _unit(np.add.reduceat(gathered, starts, axis=0))
        return plain, signed

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_ids([self.token_ids(words(t)) for t in texts])


def _unit(sums: np.ndarray) -> np.ndarray:
    return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
