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


def _scored(text: str) -> tuple[float, dict[str, float]]:
    scorer = CommentScorer(redactor=_NoRedaction())  # type: ignore[arg-type]
    (scored,) = scorer.score_redacted(["1"], [text])
    return scored.sentiment, {t["theme"]: t["sentiment"] for t in scored.themes}


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("I never feel overloaded", True),
        ("The workload is not manageable", False),
        ("I am exhausted and so is everyone around me", False),
        ("Half the team is close to burning out", False),
        ("I am working late almost every night", False),
        ("the workload keeps piling up", False),
        ("way too much work", False),
    ],
)
def test_workload_phrases_are_burnout_with_the_right_sign(text: str, positive: bool) -> None:
    sentiment, themes = _scored(text)
    assert (sentiment > 0.2) if positive else (sentiment < -0.2), sentiment
    assert "Burnout Risk & Workload" in themes
    assert (themes["Burnout Risk & Workload"] > 0) == positive


def test_a_hedged_negation_is_not_read_as_its_negated_word() -> None:
    """A negation governs words beyond the next one: listen-static-1 scored this -0.89."""
    sentiment, themes = _scored("I rarely feel overloaded")
    assert sentiment > -0.2 and themes["Burnout Risk & Workload"] > -0.2


def test_a_clearly_praised_theme_stays_positive_in_a_sour_comment() -> None:
    _, themes = _scored("Pay is good. Terrible management, toxic culture, avoid at all costs")
    assert themes["Compensation & Benefits"] > 0 > themes["Management Trust"]


def test_tone_separates_a_glowing_comment_from_a_grudging_one() -> None:
    scorer = CommentScorer(redactor=_NoRedaction())  # type: ignore[arg-type]
    glowing, grudging = scorer.tone_features(
        [
            "Amazing people, great pay, I love it here. Parking is hard",
            "Pay is ok. Terrible management, toxic culture, avoid",
        ]
    )
    assert glowing.mixed and grudging.mixed
    assert scorer.model.tone.tone(glowing) > 0.5 > -0.5 > scorer.model.tone.tone(grudging)


def test_a_one_sided_comment_keeps_its_own_sentiment_for_its_themes() -> None:
    sentiment, themes = _scored("the workload is unsustainable")
    assert themes["Burnout Risk & Workload"] == pytest.approx(sentiment, abs=1e-4)
