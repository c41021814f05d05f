"""The stories in the comments: enough distinct writers per survey cycle that the themes report can show
the story's department above k_comments even if a theme model misses a third of them, and text that
keeps naming the story's cause."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from peoplealign.demo.grammar import LEXICON, CommentGrammar, narrowed
from peoplealign.demo.stories import BURNOUT_CUES, TRUST_CUES
from peoplealign.policy.charter_document import load_default

BURNOUT = "Burnout Risk & Workload"
TRUST = "Management Trust"


@pytest.fixture(scope="module")
def survey_comments(demo) -> pd.DataFrame:
    """Survey comments with their true themes, department and team."""
    frame = demo.frame(
        "SELECT c.survey_id, c.person_id, c.org_unit_id, c.text_redacted, t.themes, t.sentiment, "
        "CASE WHEN u.kind = 'team' THEN u.parent_id ELSE u.id END AS department_id "
        "FROM comment c JOIN comment_truth t ON t.comment_id = c.id JOIN org_unit u ON u.id = c.org_unit_id "
        "WHERE c.source = 'survey'"
    )
    frame["themes"] = frame.themes.map(json.loads)
    return frame


def _writers(comments: pd.DataFrame, theme: str) -> pd.Series:
    about = comments[comments.themes.map(lambda themes: theme in themes)]
    return about.groupby("survey_id").person_id.nunique().reindex([1, 2, 3], fill_value=0)


def test_burnout_writers_rise_and_stay_visible_if_a_model_misses_a_third(demo, survey_comments):
    k = load_default().k_comments
    department = demo.unit_id(demo.stories["burnout_department"])
    story = survey_comments[survey_comments.department_id == department]
    writers = _writers(story, BURNOUT).tolist()
    assert writers == sorted(writers) and writers[-1] > writers[0] + 5
    assert min(writers) * 2 / 3 >= k
    respondents = demo.frame(
        "SELECT r.survey_id, COUNT(DISTINCT r.person_id) AS n FROM response r "
        "JOIN org_unit u ON u.id = r.org_unit_id "
        f"WHERE {department} IN (u.id, u.parent_id) GROUP BY r.survey_id"
    ).n.tolist()
    shares = [w / n for w, n in zip(writers, respondents, strict=True)]
    assert shares[0] >= 0.2 and shares[-1] <= 0.7, "a plausible share of respondents, not all of them"


def test_burnout_comments_name_the_load(demo, survey_comments):
    department = demo.unit_id(demo.stories["burnout_department"])
    story = survey_comments[
        (survey_comments.department_id == department) & survey_comments.themes.map(lambda t: BURNOUT in t)
    ]
    text = story.text_redacted.str.lower()
    assert text.map(lambda t: any(cue in t for cue in BURNOUT_CUES)).mean() > 0.9
    elsewhere = survey_comments[
        (survey_comments.department_id != department) & survey_comments.themes.map(lambda t: BURNOUT in t)
    ]
    assert elsewhere.text_redacted.str.contains(
        "ticket queue|on-call|volume of work|plate", case=False
    ).any(), "the rest of the organisation keeps the theme's whole vocabulary"


def test_trust_department_has_enough_writers_on_management_every_cycle(demo, survey_comments):
    k = load_default().k_comments
    team = demo.unit_id(demo.stories["trust_team"])
    department = demo.unit_id(demo.stories["trust_team"].split("-")[0])
    story = survey_comments[survey_comments.department_id == department]
    writers = _writers(story, TRUST)
    from_team = _writers(story[story.org_unit_id == team], TRUST)
    assert (writers * 2 / 3 >= k).all()
    assert (from_team > writers / 2).all(), "the team is the heart of it"
    on_trust = story[story.themes.map(lambda t: TRUST in t)]
    assert (on_trust.groupby("survey_id").sentiment.mean() < -0.3).all()
    others = survey_comments[
        (survey_comments.department_id != department) & survey_comments.themes.map(lambda t: TRUST in t)
    ]
    assert others.sentiment.mean() > on_trust.sentiment.mean() + 0.3


def test_a_story_narrows_its_theme_to_one_cause():
    trust = narrowed(TRUST, TRUST_CUES)
    assert "the person I report to" not in trust.subjects and "my manager" in trust.subjects
    assert all(any(cue in s.lower() for cue in TRUST_CUES) for s in trust.bad_sentences)
    assert set(trust.bad) < set(LEXICON[TRUST].bad)
    burnout = narrowed(BURNOUT, BURNOUT_CUES)
    assert "the ticket queue" not in burnout.subjects and "the workload" in burnout.subjects
    assert narrowed(BURNOUT, ()) is LEXICON[BURNOUT]
    assert narrowed(BURNOUT, ("no such cue",)) == LEXICON[BURNOUT], "a part with no cue stays whole"


def test_a_theme_named_twice_is_elaborated_with_a_whole_sentence():
    grammar = CommentGrammar(5, ["Ana Kovacs"], ["ana.kovacs@demo.peoplealign.example"])
    focus = {BURNOUT: BURNOUT_CUES}
    plain = [s for s in narrowed(BURNOUT, BURNOUT_CUES).bad_sentences if "{" not in s]
    comments = [grammar.survey_comment([(BURNOUT, -1), (BURNOUT, -1)], focus) for _ in range(100)]
    assert all(c.themes == (BURNOUT,) and c.sentiment < -0.2 for c in comments)
    elaborated = [c for c in comments if any(s.lower() in c.text.lower() for s in plain)]
    assert len(elaborated) > 40
    assert all(
        c.text.lower().count(s.lower()) == 1 for c in elaborated for s in plain if s.lower() in c.text.lower()
    )
