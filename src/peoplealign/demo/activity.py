"""Weekly work patterns and collaboration ties: two years of person-weeks with holiday seasonality,
the burnout department's rising load and one team's brainstorming-sprint anomaly."""

from __future__ import annotations

from typing import Any

import numpy as np

from peoplealign.demo.organisation import Organisation
from peoplealign.demo.stories import (
    ANOMALY_MEETING_FACTOR,
    ANOMALY_OUTPUT_FACTOR,
    ANOMALY_WEEKS,
    OUTPUT_RISE,
    OUTPUT_SAG_WEEKS,
    PTO_FALL,
    WORKLOAD_RISE_AFTER_HOURS,
    WORKLOAD_RISE_HOURS,
    WORKLOAD_RISE_MEETING_HOURS,
    workload_ramp,
)
from peoplealign.demo.timeline import NEVER, Timeline

Columns = dict[str, Any]

BASE_LEAVE_PROBABILITY = 0.06
SEASONAL_LEAVE_PROBABILITY = 0.5
LEAVE_BLOCKS = np.array([8.0, 16.0, 24.0, 40.0])
TEAMMATE_TIES = 3
CROSS_TEAM_TIES = 1


def pick_anomaly(org: Organisation, timeline: Timeline, rng: np.random.Generator) -> tuple[int, list[int]]:
    """A mid-sized team away from the other stories, and two consecutive ordinary (non-holiday)
    weeks in the last year: a spike there is unmistakably the sprint, not the season."""
    active = org.exit == NEVER
    sizes = np.bincount(org.unit[active], minlength=len(org.unit_code))[org.team_units]
    team_dept = org.unit_dept[org.team_units]
    fits = (sizes >= 6) & (sizes <= 20) & (team_dept != org.burnout_dept) & (org.team_units != org.trust_team)
    team = int(rng.choice(np.flatnonzero(fits)))
    weeks = timeline.week_offsets
    calm = timeline.seasonal_leave(weeks) == 0
    starts = [w for w in range(60, len(weeks) - 12) if calm[w : w + ANOMALY_WEEKS].all()]
    first = int(rng.choice(starts))
    return team, list(range(first, first + ANOMALY_WEEKS))


def activity_weeks(
    org: Organisation, timeline: Timeline, rng: np.random.Generator, anomaly: tuple[int, list[int]]
) -> Columns:
    """One row per person and week employed. `anomaly` is (team index, week indices)."""
    weeks = timeline.week_offsets
    employed = (org.hire[:, None] <= weeks[None, :] + 6) & (org.exit[:, None] > weeks[None, :])
    person, week = np.nonzero(employed)
    n = len(person)
    manager = org.is_manager
    base_hours = rng.normal(40.0, 2.5, org.size) + 3.0 * manager
    base_after = rng.gamma(2.0, 1.0, org.size) + 1.5 * manager
    base_meeting = np.clip(rng.normal(7.0, 2.0, org.size), 1.0, None) + 7.0 * manager
    base_output = rng.lognormal(np.log(20.0), 0.25, org.size)

    ramp = np.where(
        org.dept[person] == org.burnout_dept, workload_ramp(weeks, timeline.workload_rise_start)[week], 0.0
    )
    sag_start = -7 * OUTPUT_SAG_WEEKS
    sag = np.clip((weeks[week] - sag_start) / -sag_start, 0.0, 1.0) * (ramp > 0)

    leave_p = BASE_LEAVE_PROBABILITY + SEASONAL_LEAVE_PROBABILITY * timeline.seasonal_leave(weeks)[week]
    leave_p = leave_p * (1.0 - PTO_FALL * ramp)
    pto = np.where(rng.random(n) < leave_p, rng.choice(LEAVE_BLOCKS, n), 0.0)
    present = 1.0 - pto / 40.0

    hours = (
        np.clip(base_hours[person] + rng.normal(0.0, 2.0, n) + WORKLOAD_RISE_HOURS * ramp, 0.0, None)
        * present
    )
    after = (
        np.clip(base_after[person] * rng.gamma(4.0, 0.25, n) + WORKLOAD_RISE_AFTER_HOURS * ramp, 0.0, None)
        * present
    )
    meeting = np.clip(
        base_meeting[person] + rng.normal(0.0, 1.2, n) + WORKLOAD_RISE_MEETING_HOURS * ramp, 0.0, None
    )
    meeting = meeting * present
    output = base_output[person] * present * (1.0 + OUTPUT_RISE * ramp - 1.2 * OUTPUT_RISE * sag)
    output = output * rng.lognormal(0.0, 0.08, n)

    team, anomaly_weeks = anomaly
    in_team = org.unit_at(weeks[anomaly_weeks[0]]) == org.team_units[team]
    sprint = np.isin(week, anomaly_weeks) & in_team[person]
    meeting = np.where(sprint, meeting * ANOMALY_MEETING_FACTOR, meeting)
    output = np.where(sprint, output * ANOMALY_OUTPUT_FACTOR, output)

    week_dates = np.array(timeline.dates(weeks), dtype=object)
    return {
        "person_id": person + 1,
        "week_start": week_dates[week],
        "hours": np.round(hours, 1),
        "after_hours": np.round(after, 1),
        "meeting_hours": np.round(np.minimum(meeting, hours), 1),
        "pto_hours": pto,
        "output": np.round(output, 2),
    }


def collaboration_edges(org: Organisation, timeline: Timeline, rng: np.random.Generator) -> Columns:
    """Quarterly interaction counts: a few ties inside each team and one across teams per person."""
    sources, targets, periods, weights = [], [], [], []
    for period in timeline.quarter_offsets:
        mid = period + 45
        people = np.flatnonzero(org.employed(mid))
        units = org.unit_at(mid)[people]
        order = np.argsort(units, kind="stable")
        people, units = people[order], units[order]
        first = np.searchsorted(units, units, side="left")
        count = np.searchsorted(units, units, side="right") - first
        for _ in range(TEAMMATE_TIES):
            mate = people[first + (rng.random(len(people)) * count).astype(int)]
            sources.append(people)
            targets.append(mate)
            weights.append(rng.poisson(12.0, len(people)) + 1)
            periods.append(np.full(len(people), period))
        for _ in range(CROSS_TEAM_TIES):
            sources.append(people)
            targets.append(rng.choice(people, len(people)))
            weights.append(rng.poisson(4.0, len(people)) + 1)
            periods.append(np.full(len(people), period))
    source, target, period_a, weight = (np.concatenate(x) for x in (sources, targets, periods, weights))
    keep = source != target
    source, target, period_a, weight = source[keep], target[keep], period_a[keep], weight[keep]
    key = np.stack([source, target, period_a - period_a.min()], axis=1)
    _, unique = np.unique(key, axis=0, return_index=True)
    unique.sort()
    return {
        "source_person_id": source[unique] + 1,
        "target_person_id": target[unique] + 1,
        "period_start": timeline.dates(period_a[unique]),
        "weight": weight[unique].astype(float),
    }
