"""Scoring of stored comments: everything once, nothing twice, everything again after a model change;
the demo's planted stories show in the stored scores and the themes report never shows a small group."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.accounts.users import find_user
from peoplealign.demo.stories import SETTING_KEY
from peoplealign.errors import InvalidInputError
from peoplealign.listening.ingest import INGEST_JOB, ingest_comments
from peoplealign.listening.scorer import CommentScorer
from peoplealign.listening.theme_report import theme_report
from peoplealign.policy.actor import Actor
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.population import load_unit_tree
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AppSetting, AuditEvent, Comment, CommentTheme, OrgUnit, Survey

BURNOUT = "Burnout Risk & Workload"
TRUST = "Management Trust"
ANALYST = "analyst@demo.peoplealign.example"


@pytest.fixture(scope="module")
def scorer() -> CommentScorer:
    return CommentScorer()


@pytest.fixture
def scored_demo(demo_url: str, scorer: CommentScorer) -> str:
    with session_scope(demo_url) as session:
        ingest_comments(session, scorer, batch_size=128)
    return demo_url


def _stories(session: Session) -> dict[str, Any]:
    setting = session.get(AppSetting, SETTING_KEY)
    assert setting is not None
    return setting.value


def test_ingest_scores_every_comment_once_and_again_after_a_model_change(
    demo_url: str, scorer: CommentScorer
) -> None:
    with session_scope(demo_url) as session:
        total = session.scalar(select(func.count()).select_from(Comment)) or 0
        started = time.perf_counter()
        first = ingest_comments(session, scorer, batch_size=100)
        elapsed = time.perf_counter() - started
    assert total > 500 and first.scored == total and first.unchanged == 0
    assert elapsed < 10, f"ingest of {total} comments took {elapsed:.1f}s"
    with session_scope(demo_url) as session:
        assert session.scalar(select(func.count()).where(Comment.model_version != scorer.model.version)) == 0
        assert session.scalar(select(func.count()).where(Comment.scored_at.is_(None))) == 0
        labels = set(session.scalars(select(Comment.sentiment_label).distinct()))
        assert labels <= {"positive", "neutral", "negative"} and "negative" in labels
        themes = session.scalar(select(func.count()).select_from(CommentTheme))
        assert themes == first.theme_rows > 0
        assert ingest_comments(session, scorer).scored == 0
        events = session.scalars(select(AuditEvent).where(AuditEvent.actor == f"system:{INGEST_JOB}")).all()
        assert [e.purpose for e in events] == ["listening", "listening"]
        assert [e.detail["scored"] for e in events] == [total, 0]
    retrained = CommentScorer(model=dataclasses.replace(scorer.model, version="listen-test-2"))
    with session_scope(demo_url) as session:
        again = ingest_comments(session, retrained)
        assert again.scored == total and again.theme_rows == themes
        assert session.scalar(select(func.count()).select_from(CommentTheme)) == themes
        assert set(session.scalars(select(Comment.model_version).distinct())) == {"listen-test-2"}


def test_only_new_comments_are_scored(db_url: str, scorer: CommentScorer) -> None:
    def add(external_id: str, text: str) -> None:
        with session_scope(db_url) as session:
            session.add(
                Comment(
                    external_id=external_id,
                    source="other",
                    created_on=dt.date(2026, 1, 5),
                    text_redacted=text,
                )
            )

    add("c1", "great pay but my manager never listens")
    add("c2", "the workload is unsustainable")
    with session_scope(db_url) as session:
        assert ingest_comments(session, scorer, batch_size=1).scored == 2
    add("c3", "I love the people I work with")
    with session_scope(db_url) as session:
        result = ingest_comments(session, scorer)
        assert (result.scored, result.unchanged) == (1, 2)
        first = session.scalar(select(Comment).where(Comment.external_id == "c1"))
        assert first is not None and first.model_version == scorer.model.version
        by_theme = {t.theme: t.sentiment for t in first.themes}
        assert by_theme["Compensation & Benefits"] > 0 > by_theme[TRUST]
        with pytest.raises(InvalidInputError, match="batch size"):
            ingest_comments(session, scorer, batch_size=0)


def test_burnout_department_sentiment_on_burnout_falls_across_cycles(scored_demo: str) -> None:
    with session_scope(scored_demo) as session:
        code = _stories(session)["burnout_department"]
        tree = load_unit_tree(session)
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == code))
        assert unit is not None
        department = tree.department_label(unit.id)
        rows = session.execute(
            select(Survey.cycle, Comment.org_unit_id, CommentTheme.sentiment)
            .join(Comment, Comment.survey_id == Survey.id)
            .join(CommentTheme, CommentTheme.comment_id == Comment.id)
            .where(CommentTheme.theme == BURNOUT)
        ).all()
    per_cycle: dict[int, list[float]] = defaultdict(list)
    for cycle, unit_id, sentiment in rows:
        if tree.department_label(unit_id) == department:
            per_cycle[cycle].append(sentiment)
    cycles = sorted(per_cycle)
    first, last = (sum(per_cycle[c]) / len(per_cycle[c]) for c in (cycles[0], cycles[-1]))
    assert cycles[0] == 1 and cycles[-1] == 3
    assert last < first - 0.1


def test_themes_report_trust_department_stands_out_and_small_groups_are_suppressed(scored_demo: str) -> None:
    with session_scope(scored_demo) as session:
        stories = _stories(session)
        tree = load_unit_tree(session)
        team = session.scalar(select(OrgUnit).where(OrgUnit.code == stories["trust_team"]))
        assert team is not None
        trust_department = tree.department_label(team.id)
        writers: dict[tuple[str, str, object], set[str]] = defaultdict(set)
        for survey_code, comment_id, person_id, unit_id, theme in session.execute(
            select(Survey.code, Comment.id, Comment.person_id, Comment.org_unit_id, CommentTheme.theme)
            .join(Comment, Comment.survey_id == Survey.id)
            .join(CommentTheme, CommentTheme.comment_id == Comment.id)
        ):
            author = f"p{person_id}" if person_id is not None else f"c{comment_id}"
            writers[(survey_code, theme, tree.department_label(unit_id))].add(author)
        user = find_user(session, ANALYST)
        assert user is not None
        reader = PersonalData(session, Actor.from_user(user), "listening")
        report = theme_report(reader, None, ["department"])
        overall = theme_report(reader, None, [])
    k = report.k
    assert k == 10 and len(report.cycles) == 3
    shown = suppressed = 0
    for theme, cells in report.themes.items():
        for cell in cells:
            for point in cell.trend:
                count = len(writers[(point.survey, theme, cell.voice.group["department"])])
                if point.voice.suppressed:
                    assert point.voice.sentiment is None and point.voice.share is None
                    suppressed += 1
                else:
                    assert count >= k, (theme, cell.label(), point.survey)
                    assert point.voice.comments is not None and point.voice.comments >= count
                    shown += 1
    assert shown and suppressed
    org_trust = {p.survey: p.voice.sentiment for p in overall.themes[TRUST][0].trend}
    visible = [
        (point.survey, point.voice.sentiment)
        for cell in report.themes[TRUST]
        if cell.voice.group["department"] == trust_department
        for point in cell.trend
        if point.voice.sentiment is not None
    ]
    assert visible, "the trust department shows in no cycle"
    for survey_code, sentiment in visible:
        org = org_trust[survey_code]
        assert org is not None and sentiment < org - 0.1
