"""Three engagement survey cycles: Likert items per driver, engagement items and eNPS.

Answers come from a latent mood per person plus the planted effects: the burnout department's
workload items fall cycle by cycle, the trust team rates its manager low every time, and leaders
see the organisation through rosier glasses than everyone else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from peoplealign.demo.organisation import Organisation
from peoplealign.demo.stories import (
    BURNOUT_DRIVERS,
    BURNOUT_LIKERT_DROP,
    LEADER_LEVEL,
    LEADER_LIFT,
    LEADER_LIFT_DRIVERS,
    TRUST_DRIVER,
    TRUST_LIKERT_DROP,
)
from peoplealign.demo.timeline import Timeline

Columns = dict[str, Any]

# code, driver, text, kind, typical score
QUESTIONS = (
    ("MT1", "Management Trust", "I trust my manager to be honest with me.", "likert", 3.8),
    ("MT2", "Management Trust", "My manager follows through on commitments.", "likert", 3.7),
    ("MT3", "Management Trust", "I can raise concerns with my manager without fear.", "likert", 3.8),
    ("RA1", "Resource Allocation", "My team has the people it needs to do its work well.", "likert", 3.3),
    ("RA2", "Resource Allocation", "Budget and headcount go where the work is.", "likert", 3.2),
    ("BW1", "Burnout Risk & Workload", "My workload is manageable.", "likert", 3.7),
    (
        "BW2",
        "Burnout Risk & Workload",
        "I rarely feel exhausted at the end of the working day.",
        "likert",
        3.5,
    ),
    ("BW3", "Burnout Risk & Workload", "Deadlines in my team are realistic.", "likert", 3.6),
    ("WL1", "Work-Life Balance", "I can switch off from work in my own time.", "likert", 3.7),
    ("WL2", "Work-Life Balance", "I can take time off when I need it.", "likert", 3.9),
    ("CB1", "Compensation & Benefits", "I am paid fairly for the work I do.", "likert", 3.3),
    ("CB2", "Compensation & Benefits", "Our benefits meet my needs.", "likert", 3.6),
    ("CG1", "Career Growth", "I see a path to grow my career here.", "likert", 3.4),
    ("CG2", "Career Growth", "I have access to the learning I need.", "likert", 3.7),
    ("RE1", "Recognition", "I receive appropriate recognition for good work.", "likert", 3.5),
    ("CT1", "Collaboration & Teamwork", "People in my team help each other.", "likert", 4.1),
    ("CT2", "Collaboration & Teamwork", "Collaboration with other teams works well.", "likert", 3.5),
    ("LS1", "Leadership & Strategy", "I understand the company's strategy.", "likert", 3.6),
    ("LS2", "Leadership & Strategy", "I have confidence in senior leadership.", "likert", 3.5),
    ("CI1", "Culture & Inclusion", "I can be myself at work.", "likert", 4.0),
    (
        "CI2",
        "Culture & Inclusion",
        "People here are treated fairly regardless of who they are.",
        "likert",
        3.8,
    ),
    ("TP1", "Tools & Processes", "Our tools and processes help me work efficiently.", "likert", 3.2),
    ("JS1", "Job Security", "I feel secure in my job.", "likert", 3.7),
    ("EN1", "Engagement", "I am proud to work here.", "engagement", 3.9),
    ("EN2", "Engagement", "I see myself still working here in two years.", "engagement", 3.6),
    (
        "ENPS",
        "Employee Net Promoter Score",
        "How likely are you to recommend us as a place to work?",
        "enps",
        7.0,
    ),
)
RESPONSE_RATE = 0.78
ANSWER_WINDOW_DAYS = 14


@dataclass
class Cycle:
    """Who answered one survey cycle, when, and from which unit; comments reuse it."""

    number: int
    survey_id: int
    code: str
    opened: int
    people: np.ndarray
    answered: np.ndarray
    units: np.ndarray
    mood: np.ndarray
    effect: np.ndarray  # person x question, the planted shifts


def survey_rows(timeline: Timeline) -> tuple[Columns, Columns]:
    surveys: Columns = {
        k: [] for k in ("id", "code", "name", "kind", "audience", "cycle", "opened_on", "closed_on")
    }
    questions: Columns = {
        k: [] for k in ("id", "survey_id", "code", "text", "driver", "kind", "scale_min", "scale_max")
    }
    for c, opened in enumerate(timeline.survey_open_offsets):
        day = timeline.date(opened)
        surveys["id"].append(c + 1)
        surveys["code"].append(f"engagement-{day:%Y-%m}")
        surveys["name"].append(f"Engagement survey {day:%B %Y}")
        surveys["kind"].append("engagement")
        surveys["audience"].append("all")
        surveys["cycle"].append(c + 1)
        surveys["opened_on"].append(day)
        surveys["closed_on"].append(timeline.date(opened + ANSWER_WINDOW_DAYS))
        for q, (code, driver, text, kind, _) in enumerate(QUESTIONS):
            questions["id"].append(c * len(QUESTIONS) + q + 1)
            questions["survey_id"].append(c + 1)
            questions["code"].append(code)
            questions["text"].append(text)
            questions["driver"].append(driver)
            questions["kind"].append(kind)
            questions["scale_min"].append(0 if kind == "enps" else 1)
            questions["scale_max"].append(10 if kind == "enps" else 5)
    return surveys, questions


def survey_cycles(
    org: Organisation, timeline: Timeline, rng: np.random.Generator, codes: list[str]
) -> list[Cycle]:
    mood = rng.normal(0.0, 0.5, org.size) + 0.3 * (org.level >= LEADER_LEVEL)
    drivers = np.array([q[1] for q in QUESTIONS])
    outcome = np.array([q[3] != "likert" for q in QUESTIONS])  # engagement and eNPS follow the drivers
    cycles = []
    for c, opened in enumerate(timeline.survey_open_offsets):
        answered_all = opened + rng.integers(0, ANSWER_WINDOW_DAYS, org.size)
        units_all = org.unit_at(answered_all)
        trust = units_all == org.trust_team
        leader = org.level >= LEADER_LEVEL
        willing = (rng.random(org.size) < RESPONSE_RATE) | trust | leader
        people = np.flatnonzero(org.employed(opened + ANSWER_WINDOW_DAYS) & willing)
        effect = np.zeros((len(people), len(QUESTIONS)))
        burnout = (org.dept[people] == org.burnout_dept)[:, None] & np.isin(drivers, BURNOUT_DRIVERS)[None, :]
        effect -= burnout * BURNOUT_LIKERT_DROP[c]
        effect -= (trust[people])[:, None] * (drivers == TRUST_DRIVER)[None, :] * TRUST_LIKERT_DROP
        effect += leader[people][:, None] * np.isin(drivers, LEADER_LIFT_DRIVERS)[None, :] * LEADER_LIFT
        touched = np.maximum((effect != 0).sum(axis=1), 1)
        overall = effect.sum(axis=1) / touched
        effect[:, outcome] += 0.5 * overall[:, None]
        cycles.append(
            Cycle(
                c + 1,
                c + 1,
                codes[c],
                opened,
                people,
                answered_all[people],
                units_all[people],
                mood[people],
                effect,
            )
        )
    return cycles


def responses(cycles: list[Cycle], timeline: Timeline, rng: np.random.Generator, seed: int) -> Columns:
    typical = np.array([q[4] for q in QUESTIONS])
    is_enps = np.array([q[3] == "enps" for q in QUESTIONS])
    parts: dict[str, list[Any]] = {k: [] for k in ("survey_id", "question_id", "respondent_key", "person_id",
                                                   "org_unit_id", "value", "answered_on")}  # fmt: skip
    for cycle in cycles:
        n, q = len(cycle.people), len(QUESTIONS)
        latent = typical[None, :] + cycle.mood[:, None] + cycle.effect + rng.normal(0.0, 0.8, (n, q))
        likert = np.clip(np.rint(latent), 1, 5)
        enps = np.clip(np.rint(typical[None, :] + 1.8 * (latent - typical[None, :])), 0, 10)
        values = np.where(is_enps[None, :], enps, likert)
        keys = [_respondent_key(seed, cycle.code, int(p)) for p in cycle.people]
        parts["survey_id"].append(np.full(n * q, cycle.survey_id))
        parts["question_id"].append(np.tile((cycle.survey_id - 1) * q + np.arange(q) + 1, n))
        parts["respondent_key"].extend(np.repeat(np.array(keys, dtype=object), q).tolist())
        parts["person_id"].append(np.repeat(cycle.people + 1, q))
        parts["org_unit_id"].append(np.repeat(cycle.units + 1, q))
        parts["value"].append(values.ravel())
        parts["answered_on"].extend(
            np.repeat(np.array(timeline.dates(cycle.answered), dtype=object), q).tolist()
        )
    return {k: (v if k in ("respondent_key", "answered_on") else np.concatenate(v)) for k, v in parts.items()}


def _respondent_key(seed: int, survey_code: str, person: int) -> str:
    """Stable per person and survey, and meaningless outside it: answers cannot be joined across surveys."""
    return hashlib.sha256(f"peoplealign-demo|{seed}|{survey_code}|{person}".encode()).hexdigest()[:32]
