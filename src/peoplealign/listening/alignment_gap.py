"""The alignment gap: what leadership prioritises against what employees voice, and how differently
leaders and everyone else answer the same survey items.

Objective gap. Each North Star objective's priority becomes a weight in (0, 1] (priority 1 weighs 1,
the lowest priority 1/N). The employee concern on each linked theme is in [0, 1]: from scored comments
when there are any, (1 - mean sentiment) / 2; otherwise from the survey driver of the same name,
1 - favourability. An objective's concern is the mean over its visible themes, scaled by the highest
concern of any objective; gap = concern - priority weight. Positive: employees voice more than the
priority gives (a blind spot); negative: leadership prioritises beyond what employees voice.

Perception gap. Leaders are respondents at the organisation's top `LEADER_LEVELS` job levels. The
group is assembled only from level cells the anonymity mechanism released, so it can never be used to
subtract a hidden level; a leaders group below k, or with no released level, is suppressed.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peoplealign.listening.survey_analytics import CycleComparison, change_since_previous, favourability
from peoplealign.policy.aggregates import Cell, Report
from peoplealign.policy.gateway import PersonalData

LEADER_LEVELS = 2
LISTENING_PURPOSE = "listening"
EVIDENCE_COMMENTS = "comment themes"
EVIDENCE_SURVEY = "survey drivers"


@dataclass(frozen=True)
class ThemeEvidence:
    theme: str
    source: str
    n: int | None
    concern: float | None
    share_of_voice: float | None
    sentiment: float | None
    favourability: float | None
    trend: float | None  # change in concern since the previous cycle (+ = worse)
    significant: bool | None
    suppressed: bool
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ObjectiveGap:
    code: str
    name: str
    priority: int
    priority_weight: float
    concern: float | None
    gap: float | None
    direction: str
    evidence: list[ThemeEvidence] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in self.__dict__.items() if k != "evidence"},
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class PerceptionGap:
    driver: str
    leaders_n: int | None
    leaders_value: float | None
    others_n: int | None
    others_value: float | None
    gap: float | None
    suppressed: bool
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AlignmentReport:
    survey: str
    k: int
    evidence_source: str
    objectives: list[ObjectiveGap]
    leader_levels: list[Hashable]
    perception: list[PerceptionGap]

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "k": self.k,
            "evidence_source": self.evidence_source,
            "method": {
                "gap": "concern (scaled to the most concerning objective) minus priority weight",
                "leaders": f"respondents at the top {LEADER_LEVELS} job levels, from released level cells",
            },
            "objectives": [o.as_dict() for o in self.objectives],
            "leader_levels": self.leader_levels,
            "perception_gap": [p.as_dict() for p in self.perception],
        }


def priority_weights(priorities: Sequence[int]) -> list[float]:
    """Priority 1 weighs 1, the largest priority number weighs 1/N of it (N = that number)."""
    top = max(priorities, default=1)
    return [(top + 1 - p) / top for p in priorities]


def rank_gaps(gaps: list[ObjectiveGap]) -> list[ObjectiveGap]:
    """Largest gaps first, either direction; objectives without visible evidence last."""
    return sorted(gaps, key=lambda g: (g.gap is None, -abs(g.gap or 0.0), g.priority))


def _survey_evidence(comparison: CycleComparison, now: Mapping[str, Report]) -> dict[str, ThemeEvidence]:
    found = {}
    for change in comparison.changes:
        if change.group:
            continue
        report = now[change.measure]
        cell = report.cells[0]
        if change.suppressed and cell.suppressed:
            found[change.measure] = ThemeEvidence(
                change.measure, EVIDENCE_SURVEY, None, None, None, None, None, None, None, True, cell.reason
            )
            continue
        value = cell.value
        assert value is not None
        trend = None if change.delta is None else round(-change.delta / 100, 4)
        found[change.measure] = ThemeEvidence(
            change.measure,
            EVIDENCE_SURVEY,
            cell.n,
            round(1 - value / 100, 4),
            None,
            None,
            value,
            trend,
            change.significant,
            False,
            None,
        )
    return found


def _comment_evidence(listening: PersonalData, survey_id: int) -> dict[str, ThemeEvidence]:
    survey = listening.survey(survey_id)
    previous = listening.previous_survey(survey)
    now = listening.comment_themes(survey.id)
    before = listening.comment_themes(previous.id) if previous is not None and now else {}
    found = {}
    for theme, voice in now.items():
        if voice.suppressed or voice.sentiment is None:
            found[theme] = ThemeEvidence(
                theme, EVIDENCE_COMMENTS, None, None, None, None, None, None, None, True, voice.reason
            )
            continue
        concern = (1 - voice.sentiment) / 2
        earlier = before.get(theme)
        trend = None
        if earlier is not None and earlier.sentiment is not None:
            trend = round(concern - (1 - earlier.sentiment) / 2, 4)
        found[theme] = ThemeEvidence(
            theme,
            EVIDENCE_COMMENTS,
            voice.n,
            round(concern, 4),
            voice.share,
            voice.sentiment,
            None,
            trend,
            None,
            False,
            None,
        )
    return found


def perception_gap(level_reports: Mapping[str, Report], k: int) -> tuple[list[Hashable], list[PerceptionGap]]:
    """Leaders (top job levels) against everyone else per driver, from released level cells only."""
    levels = sorted(
        {c.group.get("level") for r in level_reports.values() for c in r.cells} - {None},
        key=lambda v: float(str(v)),
    )
    leader_levels = levels[-LEADER_LEVELS:]
    gaps = []
    for driver, report in level_reports.items():
        leaders = _pooled([c for c in report.cells if c.group.get("level") in leader_levels])
        others = _pooled([c for c in report.cells if c.group.get("level") not in leader_levels])
        if leaders is None or leaders[0] < k or others is None or others[0] < k:
            gaps.append(
                PerceptionGap(driver, None, None, None, None, None, True, f"leaders group below {k} people")
            )
            continue
        gap = round(leaders[1] - others[1], 2)
        gaps.append(PerceptionGap(driver, leaders[0], leaders[1], others[0], others[1], gap, False, None))
    return leader_levels, sorted(gaps, key=lambda g: (g.gap is None, -(g.gap or 0.0)))


def _pooled(cells: Sequence[Cell]) -> tuple[int, float] | None:
    shown = [c for c in cells if not c.suppressed and c.n and c.value is not None]
    n = sum(c.n for c in shown if c.n)
    if not n:
        return None
    return n, round(sum((c.n or 0) * (c.value or 0.0) for c in shown) / n, 2)


def alignment_report(
    reader: PersonalData, listening: PersonalData, survey_id: int | str | None = None
) -> AlignmentReport:
    """`reader` reads survey answers (purpose survey_reporting); `listening` reads comments (purpose
    listening), k_comments-suppressed."""
    survey = reader.survey(survey_id)
    evidence = _comment_evidence(listening, survey.id)
    source = EVIDENCE_COMMENTS
    if not evidence:
        source = EVIDENCE_SURVEY
        evidence = _survey_evidence(
            change_since_previous(reader, survey.id), favourability(reader, survey.id)
        )
    objectives = reader.charter.objectives
    weights = priority_weights([o.priority for o in objectives])
    concerns = []
    for objective in objectives:
        seen = [evidence[t] for t in objective.linked_themes if t in evidence and not evidence[t].suppressed]
        values = [e.concern for e in seen if e.concern is not None]
        concerns.append(sum(values) / len(values) if values else None)
    scale = max((c for c in concerns if c is not None), default=0.0) or 1.0
    gaps = []
    for objective, weight, concern in zip(objectives, weights, concerns, strict=True):
        gap = None if concern is None else round(concern / scale - weight, 4)
        direction = (
            "no visible evidence"
            if gap is None
            else "employees voice more than its priority"
            if gap > 0
            else "prioritised beyond what employees voice"
        )
        gaps.append(
            ObjectiveGap(
                objective.code,
                objective.name,
                objective.priority,
                round(weight, 4),
                None if concern is None else round(concern, 4),
                gap,
                direction,
                [evidence[t] for t in objective.linked_themes if t in evidence],
            )
        )
    level_reports = favourability(reader, survey.id, ["level"])
    k = reader.charter.k_aggregate
    leader_levels, perception = perception_gap(level_reports, k)
    return AlignmentReport(survey.code, k, source, rank_gaps(gaps), leader_levels, perception)
