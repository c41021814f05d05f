"""Comments: varied natural text, ground truth within the taxonomy, and nothing identifying stored."""

from __future__ import annotations

import json
import random
import re

from peoplealign.demo.grammar import THEMES, CommentGrammar
from peoplealign.policy.redaction import REDACTION_VERSION

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")


def test_demo_comments_are_nearly_all_distinct(demo):
    comments = demo.frame("SELECT source, text_redacted FROM comment")
    assert {"survey", "exit_interview", "public_review"} == set(comments.source)
    assert len(comments) > 500
    assert comments.text_redacted.nunique() / len(comments) >= 0.9


def test_grammar_generates_thousands_of_distinct_sentences():
    grammar = CommentGrammar(11, ["Ana Kovacs", "Mateus Okafor"], ["ana.kovacs@demo.peoplealign.example"])
    pick = random.Random(5)
    texts = set()
    for _ in range(5000):
        topics = [(pick.choice(THEMES), pick.choice((-1, 0, 1)))]
        if pick.random() < 0.4:
            topics.append((pick.choice(THEMES), pick.choice((-1, 1))))
        texts.add(grammar.survey_comment(topics).text)
    sentences = {s.strip().lower() for text in texts for s in re.split(r"[.!;]", text) if s.strip()}
    assert len(texts) > 4500
    assert len(sentences) > 3000


def test_grammar_contrasts_carry_both_themes_and_opposite_feelings():
    grammar = CommentGrammar(3, ["Ana Kovacs"], ["ana.kovacs@demo.peoplealign.example"])
    comment = grammar.survey_comment([("Compensation & Benefits", 1), ("Management Trust", -1)])
    assert comment.themes == ("Compensation & Benefits", "Management Trust")
    assert comment.sentiment < 0, "the clause after the contrast weighs more"
    praise = grammar.survey_comment([("Recognition", 1)])
    assert praise.sentiment > 0.2


def test_ground_truth_uses_the_listening_taxonomy(demo):
    truth = demo.frame("SELECT themes, sentiment FROM comment_truth")
    themes = {theme for raw in truth.themes for theme in json.loads(raw)}
    assert themes == set(THEMES)
    assert truth.sentiment.between(-1, 1).all()
    assert (truth.sentiment > 0.2).mean() > 0.2 and (truth.sentiment < -0.2).mean() > 0.2


def test_stored_comments_are_redacted(demo):
    comments = demo.frame("SELECT text_redacted, redaction_version FROM comment")
    assert (comments.redaction_version == REDACTION_VERSION).all()
    text = "\n".join(comments.text_redacted)
    for placeholder in ("<PERSON>", "<EMAIL>", "<PHONE>"):
        assert text.count(placeholder) >= 5, f"the demo should exercise redaction of {placeholder}"
    assert not EMAIL.search(text)
    assert not PHONE.search(text)
    names = demo.frame("SELECT name FROM person").name
    words = set(re.findall(r"[A-Za-z]+", text))
    leaked = {part for name in names for part in name.split()} & words
    assert not leaked
