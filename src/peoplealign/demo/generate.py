"""Building the demo organisation end to end and storing it: the one entry point the CLI,
`peoplealign up` and the benchmarks call."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from peoplealign.demo import activity, comments, records, skills, surveys, users, writer
from peoplealign.demo.grammar import CommentGrammar
from peoplealign.demo.organisation import build_organisation
from peoplealign.demo.stories import (
    ANOMALY_CONTEXT,
    ANOMALY_METRIC,
    ANOMALY_SECONDARY_METRIC,
    SETTING_KEY,
    STRATEGIC_SKILL,
    PlantedStories,
    choose_departments,
)
from peoplealign.demo.timeline import NEVER, Timeline, monday_of
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.store.engine import get_engine
from peoplealign.store.migrate import upgrade
from peoplealign.store.models import Base

Progress = Callable[[str], None]
Columns = dict[str, Any]

# One random stream per part, so changing how one part draws never reshuffles the others.
STREAMS = (
    "stories", "organisation", "records", "activity", "collaboration", "surveys", "responses",
    "comments", "grammar", "skills", "demand", "learning", "milestones", "anomaly",
)  # fmt: skip


@dataclass(frozen=True)
class DemoSummary:
    employees: int
    people: int
    seed: int
    as_of: dt.date
    seconds: float
    counts: dict[str, int]
    logins: tuple[users.DemoLogin, ...]
    password: str
    stories: PlantedStories

    def as_json(self) -> dict[str, Any]:
        return {
            "employees": self.employees,
            "people": self.people,
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "seconds": round(self.seconds, 2),
            "counts": self.counts,
            "password": self.password,
            "logins": [login.as_json() for login in self.logins],
            "stories": self.stories.as_json(),
        }


@dataclass(frozen=True)
class DemoData:
    """Every table's rows, in insertion order, ready to store."""

    tables: list[tuple[str, Columns]]
    logins: list[users.DemoLogin]
    stories: PlantedStories
    employees: int
    people: int


def _quiet(_: str) -> None:
    """Default progress sink for callers that do not report progress."""


def build_demo(employees: int, seed: int, as_of: dt.date, progress: Progress = _quiet) -> DemoData:
    """Everything in memory, deterministic for (employees, seed, as_of); comments already redacted."""
    rng = {name: np.random.default_rng([seed, k]) for k, name in enumerate(STREAMS)}
    timeline = Timeline(as_of)
    tables: list[tuple[str, Columns]] = []

    progress("organisation")
    burnout, trust = choose_departments(rng["stories"])
    org = build_organisation(employees, rng["organisation"], timeline, burnout, trust)
    anomaly_team, anomaly_weeks = activity.pick_anomaly(org, timeline, rng["anomaly"])
    tables += [
        ("org_unit", records.unit_rows(org)),
        ("person", records.person_rows(org, timeline, rng["records"])),
        ("protected_attribute", records.protected_rows(org)),
        ("internal_move", records.move_rows(org, timeline)),
    ]
    logins = users.role_logins(org, anomaly_team)
    tables.append(("user_account", users.user_rows(logins)))

    progress("work patterns")
    tables += [
        (
            "activity_week",
            activity.activity_weeks(org, timeline, rng["activity"], (anomaly_team, anomaly_weeks)),
        ),
        ("collaboration_edge", activity.collaboration_edges(org, timeline, rng["collaboration"])),
    ]

    progress("skills and learning")
    person_skills = skills.person_skills(org, timeline, rng["skills"])
    programs, program_skills = skills.learning_programs()
    tables += [
        ("skill", skills.skill_rows()),
        ("person_skill", person_skills),
        ("role_requirement", skills.role_requirements(org)),
        ("skill_demand", skills.skill_demand(org, timeline, person_skills, rng["demand"])),
        ("learning_program", programs),
        ("learning_program_skill", program_skills),
        ("enrollment", skills.enrollments(org, timeline, rng["learning"])),
        ("proficiency_milestone", skills.proficiency_milestones(org, timeline, rng["milestones"])),
    ]

    progress("surveys")
    survey_table, questions = surveys.survey_rows(timeline)
    cycles = surveys.survey_cycles(org, timeline, rng["surveys"], survey_table["code"])
    tables += [
        ("survey", survey_table),
        ("question", questions),
        ("response", surveys.responses(cycles, timeline, rng["responses"], seed)),
    ]

    progress("comments")
    grammar = CommentGrammar(int(rng["grammar"].integers(2**62)), org.name, org.email)
    author = comments.CommentWriter(org, timeline, rng["comments"], grammar)
    author.survey_comments(cycles)
    author.exit_interviews()
    author.public_reviews()

    progress("redaction")
    comment_rows, truth_rows = _redacted_comments(author.batch, org.name)
    tables += [("comment", comment_rows), ("comment_truth", truth_rows)]

    weeks = timeline.week_offsets
    stories = PlantedStories(
        seed=seed,
        employees=employees,
        as_of=as_of,
        burnout_department=burnout,
        workload_rise_from=timeline.date(timeline.workload_rise_start),
        attrition_rise_from=timeline.date(timeline.attrition_rise_start),
        trust_team=org.unit_code[org.trust_team],
        strategic_skill=STRATEGIC_SKILL,
        anomaly_team=org.unit_code[int(org.team_units[anomaly_team])],
        anomaly_metric=ANOMALY_METRIC,
        anomaly_secondary_metric=ANOMALY_SECONDARY_METRIC,
        anomaly_weeks=tuple(timeline.date(int(weeks[w])) for w in anomaly_weeks),
        anomaly_context=ANOMALY_CONTEXT,
        survey_codes=tuple(survey_table["code"]),
    )
    tables.append(("app_setting", {"key": [SETTING_KEY], "value": [stories.as_json()]}))
    return DemoData(tables, logins, stories, employees=int((org.exit == NEVER).sum()), people=org.size)


def _redacted_comments(batch: comments.CommentBatch, directory_names: list[str]) -> tuple[Columns, Columns]:
    from peoplealign.policy.redaction import REDACTION_VERSION, Redactor

    columns = dict(batch.columns)
    texts = columns.pop("text")
    ids = list(range(1, len(texts) + 1))
    columns["id"] = ids
    columns["text_redacted"] = Redactor(directory_names=directory_names).redact_many(texts)
    columns["redaction_version"] = [REDACTION_VERSION] * len(texts)
    return columns, {"comment_id": ids, "themes": batch.themes, "sentiment": batch.sentiment}


def generate_demo(
    url: str,
    employees: int = 600,
    seed: int = 7,
    as_of: dt.date | None = None,
    replace: bool = False,
    progress: Progress = _quiet,
) -> DemoSummary:
    """Build the demo organisation and store it in one transaction at `url` (migrated first).

    Refuses a database that already holds people unless `replace`, which wipes organisation data
    in the same transaction, so a failure leaves the previous contents untouched."""
    started = time.perf_counter()
    as_of = as_of or monday_of(dt.date.today())
    upgrade(url)
    engine = get_engine(url)
    if not replace:
        with engine.connect() as conn:
            writer.refuse_if_occupied(conn)  # fail before the minute of work, not after
    data = build_demo(employees, seed, as_of, progress)
    progress("writing")
    tables = Base.metadata.tables
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        if replace:
            writer.wipe(conn)
        else:
            writer.refuse_if_occupied(conn)
        for name, columns in data.tables:
            counts[name] = writer.insert(conn, tables[name], columns)
        writer.realign_sequences(conn, [tables[name] for name, _ in data.tables])
        audit.record_on_connection(
            conn,
            Actor.system("demo"),
            "demo.generate",
            "organisation",
            detail={
                "employees": data.employees,
                "seed": seed,
                "as_of": as_of,
                "replace": replace,
                "rows": counts,
            },
        )
    return DemoSummary(
        employees=data.employees,
        people=data.people,
        seed=seed,
        as_of=as_of,
        seconds=time.perf_counter() - started,
        counts=counts,
        logins=tuple(data.logins),
        password=users.DEMO_PASSWORD,
        stories=data.stories,
    )
