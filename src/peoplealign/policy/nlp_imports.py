"""Loading spaCy and Presidio without torch and transformers, which redaction never uses.

Redaction needs spaCy's small CNN model and Presidio's pattern recognizers. But when torch and
transformers are installed (the `train` extra puts them in the environment), importing thinc
(spaCy's layer library) imports torch only to probe for GPUs, and importing `presidio_analyzer`
imports transformers for its Hugging Face NER engine, which it registers whether used or not. Both
are guarded by `try: import …  except ImportError`, so hiding the two packages while spaCy and
Presidio load makes them take the torch-free path they take on a runtime-only install: about 8 s
less per process, and the same redaction.

Torch is hidden only if nothing imported it yet (a training process that did keeps it), and only
while the block runs: importing torch afterwards works as usual. What stays is that thinc in this
process believes there is no torch, which matters only to spaCy pipelines built on PyTorch, and the
redactor loads the small CNN model.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

UNUSED_BY_REDACTION = ("torch", "transformers")


@contextmanager
def without_unused_torch() -> Iterator[None]:
    hidden = [name for name in UNUSED_BY_REDACTION if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
