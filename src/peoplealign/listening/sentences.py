"""Split a comment into the clauses that each carry one opinion.

Sentiment and themes are decided per clause, because one comment often praises one thing and
criticises another ("great pay but my manager never listens"): scoring it whole would average the
two into a meaningless neutral. Splitting happens on sentence ends, line breaks, bullets and
semicolons, and before contrastive conjunctions.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(
    r"""(?:(?<=[.!?])\s+)            # sentence end
      | (?:\s*[\r\n]+\s*(?:[-*•·]\s*)?)  # line breaks and bullets
      | (?:\s*;\s*)                  # semicolons
      | (?:,?\s+(?=(?:but|however|although|though|whereas|except|nevertheless|unfortunately|
                     on\ the\ other\ hand)\b))""",
    re.IGNORECASE | re.VERBOSE,
)
_LEADING_CONNECTIVE = re.compile(r"^(?:but|however|although|though|whereas|nevertheless)\b[\s,]*", re.I)
_HAS_WORD = re.compile(r"\w")


def split_clauses(text: str) -> list[str]:
    """Clauses in order, trimmed; a text without any word yields no clause."""
    clauses = []
    for part in _BOUNDARY.split(text):
        clause = part.strip(" \t,.!?-*•·")
        if clause and _HAS_WORD.search(clause):
            clauses.append(clause)
    return clauses


def without_connective(clause: str) -> str:
    """The clause without its leading "but"/"however": the connective marks contrast with the clause
    before, not the sentiment of this one."""
    return _LEADING_CONNECTIVE.sub("", clause) or clause
