"""The one tokenisation used both to train the shipped models and to run them, so the features
seen at scoring time are exactly the features the weights were learnt on."""

from __future__ import annotations

import itertools
import re

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().translate(_APOSTROPHES))


def ngrams(tokens: list[str]) -> list[str]:
    """Words and adjacent word pairs: pairs carry negation and degree ("not good", "too much")."""
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
