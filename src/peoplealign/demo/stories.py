"""The stories planted in the demo, as data: where they are and how strong they are.

The analyses must find these from the data alone; the record stored under `demo_stories` only tells
tests (and curious people) where to look.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

SETTING_KEY = "demo_stories"

BURNOUT_CANDIDATES = ("CSU", "OPS", "SAL")
TRUST_CANDIDATES = ("ENG", "PRD", "MKT", "FIN")
TRUST_TEAM_SIZE = 13

# Burnout department: at the end of the ramp (the last ~9 months) people work this much more per week.
WORKLOAD_RISE_HOURS = 7.0
WORKLOAD_RISE_AFTER_HOURS = 6.0
WORKLOAD_RISE_MEETING_HOURS = 3.0
PTO_FALL = 0.75  # share of time off that disappears at the end of the ramp
OUTPUT_RISE = 0.22  # output per person first rises with the workload ...
OUTPUT_SAG_WEEKS = 6  # ... and sags again in the last weeks
BURNOUT_EXTRA_EXIT_RATE = 0.25  # extra leavers per head, in the two quarters after attrition rises
BURNOUT_REGRETTED_SHARE = 0.85
BURNOUT_DRIVERS = ("Burnout Risk & Workload", "Work-Life Balance")
BURNOUT_LIKERT_DROP = (0.0, 0.9, 1.6)  # per survey cycle

TRUST_DRIVER = "Management Trust"
TRUST_LIKERT_DROP = 1.5

# What the people in each story keep naming in their comments: one cause, not the whole theme.
BURNOUT_CUES = (
    "workload", "overtime", "hours", "work late", "working late", "exhaust", "burning", "burnout", "pace",
    "keep up", "sustainable", "manageable",
)  # fmt: skip
TRUST_CUES = (
    "manager", "management", "lead", "boss", "listen", "promise", "feedback", "dismissive", "trust",
    "honest", "transparent",
)  # fmt: skip

# Leaders rate these drivers much higher than everyone else: the perception gap.
LEADER_LEVEL = 7
LEADER_LIFT_DRIVERS = ("Management Trust", "Burnout Risk & Workload", "Work-Life Balance")
LEADER_LIFT = 1.1

ANOMALY_METRIC = "meeting_hours"
ANOMALY_SECONDARY_METRIC = "output"
ANOMALY_WEEKS = 2
ANOMALY_MEETING_FACTOR = 2.6
ANOMALY_OUTPUT_FACTOR = 0.45
ANOMALY_CONTEXT = "brainstorming sprint"

STRATEGIC_SKILL = "ml-engineering"


@dataclass(frozen=True)
class PlantedStories:
    seed: int
    employees: int
    as_of: dt.date
    burnout_department: str
    workload_rise_from: dt.date
    attrition_rise_from: dt.date
    trust_team: str
    strategic_skill: str
    anomaly_team: str
    anomaly_metric: str
    anomaly_secondary_metric: str
    anomaly_weeks: tuple[dt.date, ...]
    anomaly_context: str
    survey_codes: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("as_of", "workload_rise_from", "attrition_rise_from"):
            data[key] = data[key].isoformat()
        data["anomaly_weeks"] = [w.isoformat() for w in self.anomaly_weeks]
        data["survey_codes"] = list(self.survey_codes)
        return data


def choose_departments(rng: np.random.Generator) -> tuple[str, str]:
    """The burnout department and the department that holds the management-trust team."""
    return str(rng.choice(BURNOUT_CANDIDATES)), str(rng.choice(TRUST_CANDIDATES))


def workload_ramp(week_offsets: np.ndarray, rise_start: int) -> np.ndarray:
    """0 before the rise, climbing to 1 at as-of: how far along the burnout story each week is."""
    return np.clip((week_offsets - rise_start) / -rise_start, 0.0, 1.0)
