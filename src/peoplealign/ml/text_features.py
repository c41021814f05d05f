"""The one tokenisation used both to train the shipped models and to run them, so the features
seen at scoring time are exactly the features the weights were learnt on."""

from __future__ import annotations

import itertools
import re

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
# A negation reaches to the end of its stretch of text: "never too busy, great team" negates "too
# busy" only. Clauses are already split before "but", "however" and the like.
_SCOPE_END = re.compile(r"[,:;()!?.\"]")
NEGATORS = frozenset(
    {
        "not", "no", "never", "rarely", "seldom", "hardly", "barely", "nobody", "nothing", "none",
        "neither", "nor", "without", "cannot", "lack", "lacks", "lacking", "zero",
        "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "wont", "cant", "couldnt",
        "wouldnt", "shouldnt", "havent", "hasnt",
    }
)  # fmt: skip
NEGATED_PREFIX = "NOT_"


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().translate(_APOSTROPHES))


def ngrams(tokens: list[str]) -> list[str]:
    """Words and adjacent word pairs: pairs carry negation and degree ("not good", "too much")."""
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def _negates(word: str) -> bool:
    return word in NEGATORS or word.endswith("n't")


def negation_scope(text: str) -> tuple[list[str], list[bool]]:
    """The text's words and, per word, whether a negation or a hedge before it ("not", "never",
    "rarely", "don't") governs it. Word pairs alone miss "I rarely feel overloaded", where the
    negated word is two words away."""
    lowered = text.lower().translate(_APOSTROPHES)
    tokens = _WORD.findall(lowered)
    if NEGATORS.isdisjoint(tokens) and "n't" not in lowered:
        return tokens, [False] * len(tokens)
    tokens = []
    negated: list[bool] = []
    for stretch in _SCOPE_END.split(text):
        inside = False
        for word in words(stretch):
            tokens.append(word)
            negated.append(inside)
            inside = inside or _negates(word)
    return tokens, negated


def scoped_ngrams(tokens: list[str], negated: list[bool]) -> list[str]:
    """`ngrams` with each negated word, and each pair ending in one, marked (`NOT_overloaded`,
    `NOT_feel overloaded`), so a phrase and its negation get weights of their own."""
    marked = [NEGATED_PREFIX + w if n else w for w, n in zip(tokens, negated, strict=True)]
    pairs = [
        f"{NEGATED_PREFIX if n else ''}{a} {b}"
        for (a, b), n in zip(itertools.pairwise(tokens), negated[1:], strict=True)
    ]
    return marked + pairs
