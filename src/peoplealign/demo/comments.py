"""What people write: survey comments, exit interviews and public reviews, with their true themes
and sentiment. This module decides what each comment is about; the grammar decides how it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peoplealign.demo.grammar import THEMES, CommentGrammar, GeneratedComment
from peoplealign.demo.organisation import Organisation
from peoplealign.demo.stories import BURNOUT_DRIVERS, LEADER_LEVEL, TRUST_DRIVER
from peoplealign.demo.surveys import Cycle
from peoplealign.demo.timeline import NEVER, Timeline

COMMENT_RATE = 0.33
STORY_COMMENT_RATE = 0.5
TRUST_COMMENT_RATE = 0.85
SECOND_TOPIC_RATE = 0.35
EXIT_INTERVIEW_RATE = 0.85
# How often each theme comes up unprompted.
THEME_WEIGHTS = np.array([0.08, 0.06, 0.08, 0.08, 0.12, 0.12, 0.07, 0.12, 0.09, 0.06, 0.09, 0.03])
EXIT_REASONS = (
    "Career Growth", "Compensation & Benefits", "Management Trust", "Leadership & Strategy",
    "Resource Allocation", "Job Security", "Recognition",
)  # fmt: skip
FOND_MEMORIES = ("Collaboration & Teamwork", "Culture & Inclusion", "Work-Life Balance")


@dataclass
class CommentBatch:
    """Comments ready to redact and store, in a stable order."""

    columns: dict[str, list[Any]] = field(
        default_factory=lambda: {
            k: []
            for k in ("external_id", "source", "survey_id", "person_id", "org_unit_id", "created_on", "text")
        }
    )
    themes: list[list[str]] = field(default_factory=list)
    sentiment: list[float] = field(default_factory=list)

    def add(self, external_id: str, source: str, comment: GeneratedComment, **where: Any) -> None:
        self.columns["external_id"].append(external_id)
        self.columns["source"].append(source)
        for key in ("survey_id", "person_id", "org_unit_id", "created_on"):
            self.columns[key].append(where.get(key))
        self.columns["text"].append(comment.text)
        self.themes.append(list(comment.themes))
        self.sentiment.append(comment.sentiment)


class CommentWriter:
    def __init__(
        self, org: Organisation, timeline: Timeline, rng: np.random.Generator, grammar: CommentGrammar
    ) -> None:
        self.org = org
        self.timeline = timeline
        self.rng = rng
        self.grammar = grammar
        self.batch = CommentBatch()

    def survey_comments(self, cycles: list[Cycle]) -> None:
        org, rng = self.org, self.rng
        for cycle in cycles:
            burnout = org.dept[cycle.people] == org.burnout_dept
            trust = cycle.units == org.trust_team
            rate = np.where(trust, TRUST_COMMENT_RATE, np.where(burnout, STORY_COMMENT_RATE, COMMENT_RATE))
            writes = np.flatnonzero(rng.random(len(cycle.people)) < rate)
            dates = self.timeline.dates(cycle.answered[writes])
            for k, day in zip(writes.tolist(), dates, strict=True):
                person = int(cycle.people[k])
                topics = self._survey_topics(
                    cycle.number, bool(burnout[k]), bool(trust[k]), person, float(cycle.mood[k])
                )
                self.batch.add(
                    f"demo-survey-{cycle.number}-{person + 1:06d}",
                    "survey",
                    self.grammar.survey_comment(topics),
                    survey_id=cycle.survey_id,
                    person_id=person + 1,
                    org_unit_id=int(cycle.units[k]) + 1,
                    created_on=day,
                )

    def _survey_topics(
        self, cycle: int, burnout: bool, trust: bool, person: int, mood: float
    ) -> list[tuple[str, int]]:
        rng = self.rng
        if burnout and rng.random() < 0.75:
            polarity = (1 if rng.random() < 0.55 else 0) if cycle == 1 else (-1 if rng.random() < 0.92 else 0)
            topics = [(str(rng.choice(BURNOUT_DRIVERS)), polarity)]
        elif trust and rng.random() < 0.8:
            topics = [(TRUST_DRIVER, -1)]
        else:
            leader = self.org.level[person] >= LEADER_LEVEL
            lean = 0.9 if leader else 0.55 + 0.25 * np.tanh(mood)
            polarity = 0 if rng.random() < 0.15 else (1 if rng.random() < lean else -1)
            topics = [(self._theme(), polarity)]
        if rng.random() < SECOND_TOPIC_RATE:
            second = self._theme(exclude=topics[0][0])
            flip = rng.random() < 0.5
            first = topics[0][1] or 1
            topics.append((second, -first if flip else first))
        return topics

    def exit_interviews(self) -> None:
        """Most leavers who chose to go give an exit interview; the burnout department's late
        leavers name the workload."""
        org, rng, tl = self.org, self.rng, self.timeline
        leavers = np.flatnonzero((org.exit < NEVER) & (org.exit >= tl.window_start))
        leavers = leavers[np.array([org.exit_reason[i] != "involuntary" for i in leavers], dtype=bool)]
        leavers = leavers[rng.random(len(leavers)) < EXIT_INTERVIEW_RATE]
        dates = tl.dates(org.exit[leavers])
        for person, day in zip(leavers.tolist(), dates, strict=True):
            late_burnout = (
                org.dept[person] == org.burnout_dept and org.exit[person] >= tl.attrition_rise_start
            )
            if late_burnout:
                topics = [("Burnout Risk & Workload", -1)]
                if rng.random() < 0.5:
                    topics.append(("Work-Life Balance", -1))
            else:
                topics = [(str(rng.choice(EXIT_REASONS)), -1)]
            if rng.random() < 0.4:
                topics.append((str(rng.choice(FOND_MEMORIES)), 1))
            self.batch.add(
                f"demo-exit-{person + 1:06d}",
                "exit_interview",
                self.grammar.exit_interview(topics),
                person_id=person + 1,
                org_unit_id=int(org.unit[person]) + 1,
                created_on=day,
            )

    def public_reviews(self) -> None:
        rng, tl = self.rng, self.timeline
        count = max(20, self.org.size // 25)
        days = np.sort(rng.integers(tl.window_start, 0, count))
        for k, day in enumerate(tl.dates(days)):
            good = self._theme()
            comment = self.grammar.public_review(good, self._theme(exclude=good))
            self.batch.add(
                f"demo-review-{k + 1:05d}", "public_review", comment, org_unit_id=1, created_on=day
            )

    def _theme(self, exclude: str | None = None) -> str:
        weights = THEME_WEIGHTS.copy()
        if exclude is not None:
            weights[THEMES.index(exclude)] = 0.0
        return str(self.rng.choice(THEMES, p=weights / weights.sum()))
