"""Coaching prompts for managers: team-level signals turned into a suggested conversation.

Each prompt comes from one rule over aggregates the policy layer released to the reader (teams of at
least k people for work patterns, k_comments writers for comments), says what changed with its
numbers, n and period, and suggests what to do. Prompts are about the team, never a person: they
name the team and figures, nothing else, and a team below the threshold gets no prompt at all.

Work-pattern rules compare the last quarter (13 weeks) with the same weeks a year earlier, so the
season (summer holidays, year end) is the same on both sides; comment rules compare the latest survey
cycle with the one before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from peoplealign.errors import NotFoundError
from peoplealign.metrics.annotations import annotation_windows
from peoplealign.metrics.anomalies import Window
from peoplealign.metrics.library import BURNOUT_THEME
from peoplealign.policy import audit
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.metric_access import MetricData, Tables
from peoplealign.policy.population import load_unit_tree
from peoplealign.policy.scope import Scope
from peoplealign.policy.team_context import readable_units, unit_names
from peoplealign.store.models import Recommendation

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peoplealign.policy.actor import Actor

MODEL_VERSION = "coaching-rules-1"
WORK_PATTERN_PURPOSE = "wellbeing"
COMMENT_PURPOSE = "listening"
QUARTER_WEEKS = 13
RECOMMENDATION_KIND = "coaching"
PUBLISH_ACTION = "publish_coaching"
WORK_PATTERN_SOURCE = "work patterns"


@dataclass(frozen=True)
class Rule:
    key: str
    description: str
    min_relative_change: float  # e.g. 0.2: the signal moved at least 20% ...
    min_absolute_change: float  # ... and at least this much in its own unit
    rising: bool  # the direction that calls for a conversation
    action: str


RULES: dict[str, Rule] = {
    r.key: r
    for r in (
        Rule(
            "workload_comments_rising",
            "Share of the team's survey comments about workload, latest cycle against the one before.",
            0.2,
            0.03,
            True,
            "consider a priorities conversation: what can the team stop, postpone or share?",
        ),
        Rule(
            "after_hours_rising",
            "Share of hours worked after hours, last 13 weeks against the same weeks a year earlier.",
            0.2,
            0.01,
            True,
            "consider asking the team which work keeps spilling into evenings and what could change.",
        ),
        Rule(
            "meeting_load_rising",
            "Share of hours spent in meetings, last 13 weeks against the same weeks a year earlier.",
            0.2,
            0.02,
            True,
            "consider a meeting review with the team: which recurring meetings could be shorter or go?",
        ),
        Rule(
            "time_off_falling",
            "Time off per person and week, last 13 weeks against the same weeks a year earlier.",
            0.4,
            0.5,
            False,
            "consider reminding the team to plan time off, and checking whether workload lets them.",
        ),
    )
}

RULE_SIGNALS: dict[str, tuple[str, ...]] = {
    "after_hours_rising": ("after_hours", "hours"),
    "meeting_load_rising": ("meeting_hours", "hours"),
    "time_off_falling": ("pto_hours",),
}
"""The work-pattern signals each rule reads: an annotated window about one of them is left out."""

SIGNAL_WORDING = {
    "workload_comments_rising": ("Workload comments", "of the team's themed comments", "share"),
    "after_hours_rising": ("After-hours work", "of hours worked", "share"),
    "meeting_load_rising": ("Meeting time", "of hours worked", "share"),
    "time_off_falling": ("Time off", "hours per person and week", "hours"),
}


@dataclass(frozen=True)
class Prompt:
    rule: str
    org_unit_id: int
    unit_code: str
    unit_name: str
    dated: dt.date
    title: str
    action: str
    evidence: dict[str, Any] = field(default_factory=dict)
    model_version: str = MODEL_VERSION

    @property
    def key(self) -> str:
        """What makes a prompt the same prompt again: one rule, one unit, one period."""
        return f"{self.rule}:{self.unit_code}:{self.evidence['period'][1]}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "rule_description": RULES[self.rule].description,
            "org_unit_id": self.org_unit_id,
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "dated": self.dated.isoformat(),
            "title": self.title,
            "action": self.action,
            "evidence": self.evidence,
            "model_version": self.model_version,
        }


@dataclass(frozen=True)
class Change:
    """A team's signal in a period and its baseline, with the readers' n."""

    unit_id: int
    before: float
    after: float
    n: int
    period: tuple[dt.date, dt.date]
    baseline: tuple[dt.date, dt.date]
    source: str


def triggered(rule: Rule, change: Change) -> bool:
    """Whether a change is big enough, relatively and absolutely, in the rule's direction."""
    delta = change.after - change.before if rule.rising else change.before - change.after
    if delta < rule.min_absolute_change:
        return False
    return change.before <= 0 or delta / abs(change.before) >= rule.min_relative_change


def prompt_for(rule: Rule, change: Change, names: tuple[str, str], dated: dt.date) -> Prompt:
    what, of_what, kind = SIGNAL_WORDING[rule.key]

    def shown(value: float) -> str:
        return f"{value:.0%}" if kind == "share" else f"{value:.1f}"

    verb = "rose" if change.after > change.before else "fell"
    relative = f" ({(change.after - change.before) / abs(change.before):+.0%})" if change.before else ""
    when = (
        f"in the {QUARTER_WEEKS} weeks to {change.period[1]:%d %b %Y}, against the same weeks a year earlier"
        if change.source == WORK_PATTERN_SOURCE
        else f"between surveys {change.source}"
    )
    title = (
        f"{what} in {names[1]} {verb} from {shown(change.before)} to {shown(change.after)} "
        f"{of_what}{relative} {when}"
    )
    evidence = {
        "signal": what,
        "before": round(change.before, 4),
        "after": round(change.after, 4),
        "n": change.n,
        "period": [change.period[0].isoformat(), change.period[1].isoformat()],
        "baseline_period": [change.baseline[0].isoformat(), change.baseline[1].isoformat()],
        "source": change.source if change.source == WORK_PATTERN_SOURCE else "survey comments",
        "surveys": None if change.source == WORK_PATTERN_SOURCE else change.source,
        "threshold": {"relative": rule.min_relative_change, "absolute": rule.min_absolute_change},
    }
    return Prompt(rule.key, change.unit_id, names[0], names[1], dated, title, rule.action, evidence)


# --- reading the signals through the policy layer -------------------------------------------


def _activity_changes(session: Session, actor: Actor, as_of: dt.date) -> dict[str, list[Change]]:
    """Last quarter against the same quarter a year earlier, per released team cell."""
    data = MetricData(session, actor, WORK_PATTERN_PURPOSE)
    end = as_of
    start = end - dt.timedelta(weeks=QUARTER_WEEKS) + dt.timedelta(days=1)
    base_end, base_start = end - dt.timedelta(weeks=52), start - dt.timedelta(weeks=52)
    measures: dict[str, Callable[[Any], float]] = {
        "after_hours_rising": lambda rows: _share(rows["after_hours"].sum(), rows["hours"].sum()),
        "meeting_load_rising": lambda rows: _share(rows["meeting_hours"].sum(), rows["hours"].sum()),
        "time_off_falling": lambda rows: float(rows["pto_hours"].mean()),
    }
    left_out = [w for w in annotation_windows(session) if w.exclude_from_models]
    k = data.charter.k_aggregate
    windows = {}
    for window in ((start, end), (base_start, base_end)):
        found: list[dict[str, float]] = []

        def summarise(tables: Tables, found: list[dict[str, float]] = found) -> float:
            rows = tables["activity"]
            found.append(
                {
                    key: _kept_value(rows, left_out, RULE_SIGNALS[key], measure, k)
                    for key, measure in measures.items()
                }
            )
            return float(len(found) - 1)

        report = data.activity_period(summarise, "org_unit", window[0], window[1], label="coaching")
        windows[window] = {
            c.unit_id: (found[int(c.value)], c.n or 0)
            for c in report.cells
            if not c.suppressed and c.value is not None and c.unit_id is not None
        }
    now, then = windows[(start, end)], windows[(base_start, base_end)]
    return {
        key: [
            Change(
                unit,
                then[unit][0][key],
                values[key],
                n,
                (start, end),
                (base_start, base_end),
                WORK_PATTERN_SOURCE,
            )
            for unit, (values, n) in now.items()
            if unit in then and not (pd.isna(values[key]) or pd.isna(then[unit][0][key]))
        ]
        for key in measures
    }


def _kept_value(
    rows: pd.DataFrame,
    left_out: Sequence[Window],
    signals: tuple[str, ...],
    measure: Callable[[pd.DataFrame], float],
    k: int,
) -> float:
    """The measure over the cell's weeks that nobody asked models to leave out (an explained
    sprint is not a trend to coach on). If what is left comes from fewer than k people there is
    no value: the released cell had k, its remainder must too."""
    drop = np.zeros(len(rows), dtype=bool)
    units = rows["unit_id"].to_numpy()
    days = pd.to_datetime(rows["week_start"])
    for window in left_out:
        if any(window.covers_signal(s) for s in signals):
            drop |= (
                (units == window.org_unit_id)
                & (days >= pd.Timestamp(window.start)).to_numpy()
                & (days <= pd.Timestamp(window.end)).to_numpy()
            )
    kept = rows[~drop]
    if kept["person_id"].nunique() < k:
        return float("nan")
    return measure(kept)


def _comment_changes(session: Session, actor: Actor) -> list[Change]:
    """Workload's share of each team's themed comments, latest survey cycle against the one before.
    Comments need k_comments writers, which few teams reach, so organisation-scope readers also get
    departments (a manager's department cell would be their own line, not the department)."""
    from peoplealign.policy.charter import active_charter

    reader = PersonalData(session, actor, COMMENT_PURPOSE)
    try:
        latest = reader.survey()
    except NotFoundError:
        return []
    previous = reader.previous_survey(latest)
    if previous is None:
        return []
    by_label = {label: uid for uid, label in load_unit_tree(session).labels.items()}
    levels = ["org_unit"]
    if Scope(active_charter(session).scope_for(actor.roles)) is Scope.ORGANISATION:
        levels.append("department")

    def shares(survey_id: int, level: str) -> dict[int, tuple[float, int]]:
        voices = reader.comment_theme_cells([level], survey_id).get(BURNOUT_THEME, [])
        return {
            by_label[str(v.group[level])]: (v.share, v.n or 0)
            for v in voices
            if not v.suppressed and v.share is not None and str(v.group.get(level)) in by_label
        }

    period = (latest.opened_on or dt.date.today(), latest.closed_on or latest.opened_on or dt.date.today())
    baseline = (previous.opened_on or period[0], previous.closed_on or previous.opened_on or period[0])
    changes = []
    for level in levels:
        now, then = shares(latest.id, level), shares(previous.id, level)
        changes += [
            Change(unit, then[unit][0], share, n, period, baseline, f"{previous.code} to {latest.code}")
            for unit, (share, n) in now.items()
            if unit in then
        ]
    return changes


def coaching_prompts(session: Session, actor: Actor, as_of: dt.date | None = None) -> list[Prompt]:
    """Prompts for every team the actor may see aggregates of (a manager: their own reporting
    subtree), strongest change first within each team."""
    day = as_of or dt.date.today()
    changes = _activity_changes(session, actor, day)
    changes["workload_comments_rising"] = _comment_changes(session, actor)
    names = unit_names(session, {c.unit_id for found in changes.values() for c in found})
    prompts = [
        prompt_for(RULES[key], change, names[change.unit_id], day)
        for key, found in changes.items()
        for change in found
        if triggered(RULES[key], change)
    ]
    return sorted(prompts, key=lambda p: (p.unit_name, p.rule))


def publish_coaching(session: Session, actor: Actor, as_of: dt.date | None = None) -> list[int]:
    """Store each prompt as a `coaching` recommendation for the team's manager, once: a prompt already
    stored for the same rule, team and period is not stored again. Returns the new ids."""
    prompts = coaching_prompts(session, actor, as_of)
    stored = {
        (row.org_unit_id, str((row.evidence or {}).get("key")))
        for row in session.scalars(select(Recommendation).where(Recommendation.kind == RECOMMENDATION_KIND))
    }
    created = []
    for prompt in prompts:
        if (prompt.org_unit_id, prompt.key) in stored:
            continue
        row = Recommendation(
            kind=RECOMMENDATION_KIND,
            org_unit_id=prompt.org_unit_id,
            title=prompt.title,
            explanation=f"{prompt.title}: {prompt.action} ({RULES[prompt.rule].description})",
            evidence={
                **prompt.evidence,
                "rule": prompt.rule,
                "rule_description": RULES[prompt.rule].description,
                "action": prompt.action,
                "key": prompt.key,
                "dated": prompt.dated.isoformat(),
            },
            model_version=prompt.model_version,
            assigned_role="manager",
        )
        session.add(row)
        stored.add((prompt.org_unit_id, prompt.key))
        created.append(row)
    session.flush()
    audit.record(
        session,
        actor,
        PUBLISH_ACTION,
        "recommendation",
        purpose=WORK_PATTERN_PURPOSE,
        outcome="changed",
        detail={"prompts": len(prompts), "created": [r.id for r in created], "model_version": MODEL_VERSION},
    )
    return [r.id for r in created]


@dataclass(frozen=True)
class StoredPrompt:
    id: int
    org_unit_id: int
    unit_name: str
    title: str
    explanation: str
    evidence: dict[str, Any]
    status: str
    model_version: str | None
    created_at: dt.datetime


def stored_prompts(session: Session, actor: Actor) -> list[StoredPrompt]:
    """Published prompts of the teams the actor may see (a manager: the units they answer for),
    newest first: what the coaching page shows without recomputing every signal."""
    from peoplealign.policy.charter import active_charter

    units = readable_units(session, active_charter(session), actor, WORK_PATTERN_PURPOSE)
    query = select(Recommendation).where(Recommendation.kind == RECOMMENDATION_KIND)
    if units is not None:
        query = query.where(Recommendation.org_unit_id.in_(sorted(units)))
    rows = [r for r in session.scalars(query.order_by(Recommendation.id.desc())) if r.org_unit_id is not None]
    names = unit_names(session, {r.org_unit_id for r in rows if r.org_unit_id is not None})
    audit.record(
        session,
        actor,
        "read_aggregate",
        "recommendation",
        purpose=WORK_PATTERN_PURPOSE,
        detail={"kind": RECOMMENDATION_KIND, "prompts": len(rows)},
    )
    return [
        StoredPrompt(
            r.id,
            int(r.org_unit_id or 0),
            names[int(r.org_unit_id or 0)][1],
            r.title,
            r.explanation,
            dict(r.evidence or {}),
            r.status,
            r.model_version,
            r.created_at,
        )
        for r in rows
    ]


def _share(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else 0.0
