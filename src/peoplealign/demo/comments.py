"""What people write: survey comments, exit interviews and public reviews, with their true themes
and sentiment. This module decides what each comment is about; the grammar decides how it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from peoplealign.demo.grammar import THEMES, CommentGrammar, GeneratedComment
from peoplealign.demo.organisation import Organisation
from peoplealign.demo.stories import BURNOUT_CUES, LEADER_LEVEL, TRUST_CUES, TRUST_DRIVER
from peoplealign.demo.surveys import Cycle
from peoplealign.demo.timeline import NEVER, Timeline

COMMENT_RATE = 0.33
SECOND_TOPIC_RATE = 0.35
# The burnout department, per survey cycle: more people write as the load grows (a pressing concern
# gets written down), more of what they write is about the load, and it turns from fine to dire.
BURNOUT_COMMENT_RATES = (0.5, 0.55, 0.65)
BURNOUT_TOPIC_SHARES = (0.55, 0.7, 0.85)
BURNOUT_POLARITY = ((0.6, 0.3, 0.1), (0.05, 0.15, 0.8), (0.0, 0.05, 0.95))  # positive, neutral, negative
# Someone worn down by the load, or by their manager, says what it does to them, not only what is wrong.
ELABORATION_RATE = 0.6
# Nearly everyone in the trust team writes, about their manager. Colleagues who work alongside the
# team (about half as many people again, from the rest of its department) have seen how its
# complaints were handled, and most of them write about management too.
TRUST_COMMENT_RATE = 0.9
TRUST_TOPIC_SHARE = 0.9
TRUST_NEIGHBOURS = 0.6  # per trust-team respondent
NEIGHBOUR_COMMENT_RATE = 0.75
NEIGHBOUR_TOPIC_SHARE = 0.8
NEIGHBOUR_NEGATIVE = 0.9
STORY_FOCUS: dict[str, dict[str, tuple[str, ...]]] = {
    "burnout": {"Burnout Risk & Workload": BURNOUT_CUES},
    "trust": {TRUST_DRIVER: TRUST_CUES},
    "trust neighbours": {TRUST_DRIVER: TRUST_CUES},
}
EXIT_INTERVIEW_RATE = 0.85
# How often each theme comes up unprompted; one's manager is among the most talked about.
THEME_WEIGHTS = np.array([0.12, 0.06, 0.08, 0.08, 0.12, 0.12, 0.07, 0.12, 0.09, 0.06, 0.09, 0.03])
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
        """Each group writes at its own rate and a fixed share of its writers write about its story:
        exact counts rather than coin flips, so a story is as strong in every organisation the seed
        draws, and only who writes what varies."""
        rng = self.rng
        for cycle in cycles:
            stage = min(cycle.number, len(BURNOUT_COMMENT_RATES)) - 1
            story: dict[int, str] = {}
            for name, members, rate, share in self._story_groups(cycle, stage):
                writers = _exactly(rng, members, round(rate * len(members)))
                story.update(dict.fromkeys(writers.tolist(), ""))
                story.update(
                    dict.fromkeys(_exactly(rng, writers, round(share * len(writers))).tolist(), name)
                )
            writes = np.array(sorted(story), dtype=np.int64)
            dates = self.timeline.dates(cycle.answered[writes])
            for k, day in zip(writes.tolist(), dates, strict=True):
                person = int(cycle.people[k])
                topics = self._survey_topics(story[k], stage, person, float(cycle.mood[k]))
                self.batch.add(
                    f"demo-survey-{cycle.number}-{person + 1:06d}",
                    "survey",
                    self.grammar.survey_comment(topics, STORY_FOCUS.get(story[k])),
                    survey_id=cycle.survey_id,
                    person_id=person + 1,
                    org_unit_id=int(cycle.units[k]) + 1,
                    created_on=day,
                )

    def _story_groups(self, cycle: Cycle, stage: int) -> list[tuple[str, np.ndarray, float, float]]:
        """The cycle's respondents by story: (story, members, comment rate, share of writers on it)."""
        org = self.org
        department = org.unit_dept[cycle.units]
        burnout = np.flatnonzero(department == org.burnout_dept)
        trust = np.flatnonzero(cycle.units == org.trust_team)
        around = np.flatnonzero(
            (department == org.unit_dept[org.trust_team]) & (cycle.units != org.trust_team)
        )
        neighbours = _exactly(self.rng, around, min(len(around), round(TRUST_NEIGHBOURS * len(trust))))
        rest = np.setdiff1d(np.arange(len(cycle.people)), np.concatenate([burnout, trust, neighbours]))
        return [
            ("burnout", burnout, BURNOUT_COMMENT_RATES[stage], BURNOUT_TOPIC_SHARES[stage]),
            ("trust", trust, TRUST_COMMENT_RATE, TRUST_TOPIC_SHARE),
            ("trust neighbours", neighbours, NEIGHBOUR_COMMENT_RATE, NEIGHBOUR_TOPIC_SHARE),
            ("", rest, COMMENT_RATE, 0.0),
        ]

    def _survey_topics(self, story: str, stage: int, person: int, mood: float) -> list[tuple[str, int]]:
        rng = self.rng
        if story == "burnout":
            polarity = int(rng.choice((1, 0, -1), p=BURNOUT_POLARITY[stage]))
            topics = [("Burnout Risk & Workload", polarity)]
            if polarity and rng.random() < ELABORATION_RATE:
                topics.append(("Burnout Risk & Workload", polarity))
            if rng.random() < SECOND_TOPIC_RATE:
                topics.append(("Work-Life Balance", polarity or 1))
            return topics
        if story == "trust":
            topics = [(TRUST_DRIVER, -1)]
            if rng.random() < ELABORATION_RATE:
                topics.append((TRUST_DRIVER, -1))
        elif story == "trust neighbours":
            topics = [(TRUST_DRIVER, -1 if rng.random() < NEIGHBOUR_NEGATIVE else 1)]
        else:
            leader = self.org.level[person] >= LEADER_LEVEL
            lean = 0.9 if leader else 0.55 + 0.25 * np.tanh(mood)
            polarity = 0 if rng.random() < 0.15 else (1 if rng.random() < lean else -1)
            topics = [(self._theme(), polarity)]
        if rng.random() < SECOND_TOPIC_RATE:
            second = self._theme(exclude=topics[0][0])
            flip = rng.random() < 0.5 and not story  # someone caught in a story piles on, rarely balances
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


def _exactly(rng: np.random.Generator, members: np.ndarray, count: int) -> np.ndarray:
    """`count` of the members at random, in their original order."""
    return np.sort(rng.choice(members, size=count, replace=False))
