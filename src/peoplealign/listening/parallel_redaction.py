"""Redaction of a large batch on every core: redaction costs more than scoring, and it is pure
Python (one core) while the machine has more.

Workers are forked after the parent has loaded spaCy and Presidio, so they share the loaded engines
instead of each paying the load again; only texts cross the process boundary.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peoplealign.policy.redaction import Redactor

# Below this, forking costs more than it saves.
MIN_PARALLEL_TEXTS = 4000

_inherited: Redactor | None = None


def _redact_part(texts: list[str]) -> list[str]:
    if _inherited is None:
        raise RuntimeError("redaction worker started without the parent's redactor")
    return _inherited.redact_many(texts)


def redact_all(redactor: Redactor, texts: Sequence[str], min_parallel: int = MIN_PARALLEL_TEXTS) -> list[str]:
    """Redacted texts in input order; identical texts are redacted once."""
    global _inherited
    distinct = list(dict.fromkeys(texts))
    workers = min(os.cpu_count() or 1, max(1, len(distinct) // max(min_parallel // 2, 1)))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        redacted = redactor.redact_many(distinct)
    else:
        size = -(-len(distinct) // workers)
        parts = [distinct[i : i + size] for i in range(0, len(distinct), size)]
        _inherited = redactor
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                redacted = [text for part in pool.map(_redact_part, parts) for text in part]
        finally:
            _inherited = None
    lookup = dict(zip(distinct, redacted, strict=True))
    return [lookup[text] for text in texts]
