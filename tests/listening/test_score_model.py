"""Clause splitting, the taxonomy file, the shipped model and a held-out accuracy sanity check."""

from __future__ import annotations

from pathlib import Path

import pytest

from peoplealign.errors import InvalidInputError
from peoplealign.listening.model_store import MODEL_VERSION, load_shipped_model
from peoplealign.listening.scorer import CommentScorer
from peoplealign.listening.sentences import split_clauses
from peoplealign.listening.taxonomy import load_taxonomy, parse_taxonomy

DEFAULT_THEMES = (
    "Management Trust", "Resource Allocation", "Burnout Risk & Workload", "Work-Life Balance",
    "Compensation & Benefits", "Career Growth", "Recognition", "Collaboration & Teamwork",
    "Leadership & Strategy", "Culture & Inclusion", "Tools & Processes", "Job Security",
)  # fmt: skip


class _NoRedaction:
    def redact_many(self, texts: list[str]) -> list[str]:
        return list(texts)


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("great pay but my manager never listens", ["great pay", "but my manager never listens"]),
        ("Good benefits. However, long hours!", ["Good benefits", "However, long hours"]),
        ("Nice team; bad tools\n- no raises", ["Nice team", "bad tools", "no raises"]),
        ("Decent, although slow", ["Decent", "although slow"]),
        ("not yet stable", ["not yet stable"]),
        ("...", []),
    ],
)
def test_split_clauses(text: str, clauses: list[str]) -> None:
    assert split_clauses(text) == clauses


def test_default_taxonomy_has_the_twelve_themes() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.names == DEFAULT_THEMES
    assert all(t.description and t.keywords and t.examples for t in taxonomy.themes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("themes: []", "has no themes"),
        ("- a", "expected a mapping with a 'themes' list"),
        ("themes:\n  - description: x", "every theme needs a 'name'"),
        ("themes:\n  - name: A\n    keywords: [a]\n  - name: A\n    keywords: [b]", "used twice"),
        ("themes:\n  - name: A", "at least one keyword or example"),
        ("themes:\n  - name: A\n    keywords: a", "expected a list of non-empty strings"),
    ],
)
def test_bad_taxonomy_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_taxonomy(text, "custom.yaml")


def test_taxonomy_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"themes:\n  - name: caf\xe9\n")
    with pytest.raises(InvalidInputError, match="not UTF-8"):
        load_taxonomy(path)


def test_shipped_model_is_versioned_with_a_card() -> None:
    model = load_shipped_model()
    assert model.version == MODEL_VERSION
    assert model.card["training"]["held_out_firms"]
    assert 0 < model.theme_threshold < 1


def test_paraphrase_without_keywords_still_finds_a_theme() -> None:
    scorer = CommentScorer(redactor=_NoRedaction())  # type: ignore[arg-type]
    (scored,) = scorer.score(["1"], ["promotions depend on who you know"])
    assert "Career Growth" in {t["theme"] for t in scored.themes}


def test_held_out_accuracy_sanity(shared_data: Path) -> None:
    from peoplealign.ml.glassdoor import load_reviews, pros_cons_texts, split_by_firm

    source = shared_data / "glassdoor_reviews_dev.csv"
    if not source.exists():
        pytest.skip("shared review data not available")
    _, held_out = split_by_firm(load_reviews(source))
    texts, labels = pros_cons_texts(held_out.head(40))
    scorer = CommentScorer(redactor=_NoRedaction())  # type: ignore[arg-type]
    scored = scorer.score([str(i) for i in range(len(texts))], texts)
    accuracy = sum((c.sentiment > 0) == bool(y) for c, y in zip(scored, labels, strict=True)) / len(labels)
    assert accuracy >= 0.85
