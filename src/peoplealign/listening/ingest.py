"""Scoring of stored comments: sentiment, label and themes written next to each comment, so the
reports aggregate stored scores instead of re-running the model on every read.

A comment is scored when it was never scored or was scored by another model version, so a re-run
after new comments arrive scores only those, and shipping a new model re-scores everything. Stored
text is already redacted (the importer redacts before storing), so it is not redacted again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError
from peoplealign.listening.alignment_gap import LISTENING_PURPOSE
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.engine import Action, enforce
from peoplealign.store.models import Comment, CommentTheme

if TYPE_CHECKING:
    from peoplealign.listening.scorer import CommentScorer

INGEST_JOB = "listen-ingest"
DEFAULT_BATCH_SIZE = 1000

Progress = Callable[[int, int], None]  # (scored so far, to score in all)


@dataclass(frozen=True)
class IngestResult:
    model_version: str
    scored: int
    unchanged: int
    theme_rows: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "scored": self.scored,
            "unchanged": self.unchanged,
            "theme_rows": self.theme_rows,
        }


def _stale(version: str) -> Any:
    return or_(Comment.model_version.is_(None), Comment.model_version != version)


def pending_comments(session: Session, version: str) -> list[int]:
    """Ids of the comments not yet scored by `version`, in id order."""
    return list(session.scalars(select(Comment.id).where(_stale(version)).order_by(Comment.id)))


def ingest_comments(
    session: Session,
    scorer: CommentScorer,
    actor: Actor | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> IngestResult:
    """Score every pending comment in batches of `batch_size`; `progress` hears after each batch.

    The job reads comment text for the listening purpose only to derive scores that reach people
    solely as k_comments-suppressed aggregates, so it asks the charter for aggregate use of the
    comments source; the run is one audit event with its counts."""
    if batch_size < 1:
        raise InvalidInputError(f"batch size must be at least 1, not {batch_size}")
    from peoplealign.policy.charter import active_charter

    actor = actor or Actor.system(INGEST_JOB)
    version = scorer.model.version
    enforce(
        session,
        active_charter(session),
        actor,
        Action.READ_AGGREGATE,
        "comments",
        LISTENING_PURPOSE,
        detail={"job": INGEST_JOB, "model_version": version},
    )
    pending = pending_comments(session, version)
    total = session.scalar(select(func.count()).select_from(Comment)) or 0
    theme_rows = 0
    for start in range(0, len(pending), batch_size):
        batch = pending[start : start + batch_size]
        theme_rows += _score_batch(session, scorer, batch)
        if progress is not None:
            progress(start + len(batch), len(pending))
    result = IngestResult(version, len(pending), total - len(pending), theme_rows)
    audit.record(
        session,
        actor,
        "listen.ingest",
        "comments",
        purpose=LISTENING_PURPOSE,
        outcome="changed",
        detail=result.as_dict(),
    )
    return result


def _score_batch(session: Session, scorer: CommentScorer, ids: Sequence[int]) -> int:
    """Score one batch and replace its theme rows; returns how many theme rows were written."""
    rows = session.execute(select(Comment.id, Comment.text_redacted).where(Comment.id.in_(ids))).all()
    scored = scorer.score_redacted([str(r.id) for r in rows], [r.text_redacted for r in rows])
    now = dt.datetime.now(dt.UTC)
    session.execute(
        update(Comment),
        [
            {
                "id": int(c.id),
                "sentiment": c.sentiment,
                "sentiment_label": c.label,
                "model_version": c.model,
                "scored_at": now,
            }
            for c in scored
        ],
    )
    session.execute(delete(CommentTheme).where(CommentTheme.comment_id.in_(ids)))
    themes = [
        {
            "comment_id": int(c.id),
            "theme": t["theme"],
            "confidence": t["confidence"],
            "sentiment": t["sentiment"],
        }
        for c in scored
        for t in c.themes
    ]
    if themes:
        session.execute(insert(CommentTheme), themes)
    return len(themes)
