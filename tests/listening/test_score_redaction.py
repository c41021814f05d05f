"""Batch redaction across processes gives exactly the sequential result, in input order."""

from __future__ import annotations

from peoplealign.listening.parallel_redaction import redact_all
from peoplealign.policy.redaction import Redactor


def test_parallel_redaction_matches_sequential() -> None:
    redactor = Redactor(directory_names=())
    texts = [f"Ask Maria Gonzalez on 07700 900{i:03d} or mail m{i}@example.com" for i in range(40)]
    texts += ["same text", "same text", "no identifiers here"]
    parallel = redact_all(redactor, texts, min_parallel=4)
    assert parallel == redactor.redact_many(texts)
    assert all("example.com" not in t and "Gonzalez" not in t for t in parallel)
    assert parallel[-3] == parallel[-2] == "same text"
