"""The operating-model readiness audit: can the data and the structure support the insights?

It answers before anyone builds a dashboard: is each data source there, complete and fresh; how much
reporting the anonymity threshold will suppress; whether spans of control make team-level results
possible at all; and which fields the planned metrics and objectives need but do not have. Every
finding carries a severity and a concrete action. Only counts leave this module, never a person.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from peoplealign.store.models import (
    ActivityWeek,
    CollaborationEdge,
    Comment,
    Enrollment,
    ImportRun,
    OrgUnit,
    Person,
    PersonSkill,
    ProtectedAttribute,
    Response,
    SkillDemand,
    Survey,
)

STALE_AFTER_DAYS = 120
MAX_SPAN = 12
MIN_SPAN = 3
SEVERITIES = ("critical", "warning", "info")


@dataclass(frozen=True)
class Finding:
    area: str
    severity: str
    finding: str
    action: str


@dataclass
class SourceStatus:
    key: str
    rows: int
    people_covered: int
    share_covered: float
    latest: str | None
    imports: int
    last_import: str | None


@dataclass
class Readiness:
    as_of: str
    k: int
    active_people: int
    sources: list[SourceStatus] = field(default_factory=list)
    teams: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _SourceQuery:
    key: str
    table: Any
    person_column: Any
    date_column: Any
    import_kinds: tuple[str, ...]
    needed_for: str


SOURCES = (
    _SourceQuery(
        "hris",
        Person,
        Person.id,
        func.coalesce(Person.updated_at, Person.created_at),
        ("people", "org-units"),
        "every breakdown",
    ),
    _SourceQuery(
        "survey",
        Response,
        Response.person_id,
        Response.answered_on,
        ("survey",),
        "engagement, eNPS and favourability",
    ),
    _SourceQuery(
        "comments", Comment, Comment.person_id, Comment.created_on, ("comments",), "themes and sentiment"
    ),
    _SourceQuery(
        "activity",
        ActivityWeek,
        ActivityWeek.person_id,
        ActivityWeek.week_start,
        ("activity",),
        "the burnout-risk index and workload rebalancing",
    ),
    _SourceQuery(
        "collaboration",
        CollaborationEdge,
        CollaborationEdge.source_person_id,
        CollaborationEdge.period_start,
        ("collaboration",),
        "team collaboration metrics",
    ),
    _SourceQuery(
        "skills",
        PersonSkill,
        PersonSkill.person_id,
        PersonSkill.assessed_on,
        ("skills",),
        "skill gaps and strategic skill coverage",
    ),
    _SourceQuery(
        "learning",
        Enrollment,
        Enrollment.person_id,
        Enrollment.enrolled_on,
        ("learning",),
        "learning hours and time to proficiency",
    ),
)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _active(today: dt.date) -> Callable[[Select[Any]], Select[Any]]:
    def where(query: Select[Any]) -> Select[Any]:
        return query.where((Person.exit_date.is_(None)) | (Person.exit_date > today))

    return where


def assess(session: Session, k: int, today: dt.date | None = None) -> Readiness:
    today = today or dt.date.today()
    active = _active(today)
    active_ids = set(session.scalars(active(select(Person.id))))
    report = Readiness(as_of=today.isoformat(), k=k, active_people=len(active_ids))
    if not active_ids:
        report.findings.append(
            Finding(
                "hris",
                "critical",
                "No employee records are loaded.",
                "Import people first: `peoplealign import people FILE`.",
            )
        )
    for source in SOURCES:
        report.sources.append(_source_status(session, source, active_ids, today, report.findings))
    _teams(session, active, k, report)
    _spans(session, active, report)
    _missing_fields(session, active, today, report)
    report.findings.sort(key=lambda f: SEVERITIES.index(f.severity))
    return report


def _source_status(
    session: Session, source: _SourceQuery, active_ids: set[int], today: dt.date, findings: list[Finding]
) -> SourceStatus:
    rows = session.scalar(select(func.count()).select_from(source.table)) or 0
    people = set(
        session.scalars(select(source.person_column).distinct().where(source.person_column.is_not(None)))
    )
    covered = len(people & active_ids)
    latest = _as_date(session.scalar(select(func.max(source.date_column))))
    runs = session.execute(
        select(func.count(ImportRun.id), func.max(ImportRun.finished_at)).where(
            ImportRun.kind.in_(source.import_kinds)
        )
    ).one()
    share = covered / len(active_ids) if active_ids else 0.0
    status = SourceStatus(source.key, rows, covered, round(share, 3), _iso(latest), runs[0], _iso(runs[1]))
    if rows == 0:
        findings.append(
            Finding(
                source.key,
                "warning" if source.key != "hris" else "critical",
                f"No {source.key} data: {source.needed_for} cannot be computed.",
                f"Import {source.key} data (`peoplealign import`), or drop the objectives that depend on it.",
            )
        )
        return status
    if source.key != "hris" and share < 0.5:
        findings.append(
            Finding(
                source.key,
                "warning",
                f"{source.key} covers {share:.0%} of active people, so {source.needed_for} will be partial.",
                f"Extend the {source.key} export to every team before reporting on it organisation-wide.",
            )
        )
    if latest is not None and (today - latest).days > STALE_AFTER_DAYS:
        findings.append(
            Finding(
                source.key,
                "warning",
                f"The newest {source.key} record is from {latest.isoformat()}, "
                f"{(today - latest).days} days ago.",
                f"Schedule a regular {source.key} import (at least quarterly) so results reflect today.",
            )
        )
    return status


def _teams(session: Session, active: Callable[[Select[Any]], Select[Any]], k: int, report: Readiness) -> None:
    counts = Counter(unit for unit in session.scalars(active(select(Person.org_unit_id))) if unit is not None)
    units = session.scalar(select(func.count()).select_from(OrgUnit)) or 0
    staffed = [n for n in counts.values() if n > 0]
    small = [n for n in staffed if n < k]
    share = len(small) / len(staffed) if staffed else 0.0
    report.teams = {
        "units": units,
        "staffed_units": len(staffed),
        "below_k": len(small),
        "share_below_k": round(share, 3),
        "people_in_units_below_k": sum(small),
    }
    if share > 0.2:
        report.findings.append(
            Finding(
                "anonymity",
                "warning" if share < 0.5 else "critical",
                f"{len(small)} of {len(staffed)} staffed units ({share:.0%}) have fewer than {k} people: "
                "their results will be suppressed, and neighbours may be hidden to protect them.",
                "Report those teams at the next level up (department), or group small teams into "
                "reporting units.",
            )
        )


def _spans(session: Session, active: Callable[[Select[Any]], Select[Any]], report: Readiness) -> None:
    spans = Counter(m for m in session.scalars(active(select(Person.manager_id))) if m is not None)
    values = sorted(spans.values())
    wide = sum(1 for v in values if v > MAX_SPAN)
    narrow = sum(1 for v in values if v < MIN_SPAN)
    report.spans = {
        "managers": len(values),
        "median": statistics.median(values) if values else None,
        "max": values[-1] if values else None,
        "distribution": {str(size): count for size, count in sorted(Counter(values).items())},
        "above_max": wide,
        "below_min": narrow,
        "max_recommended": MAX_SPAN,
        "min_recommended": MIN_SPAN,
    }
    if wide:
        report.findings.append(
            Finding(
                "structure",
                "warning",
                f"{wide} managers have more than {MAX_SPAN} direct reports: coaching and check-ins thin out.",
                "Review those teams for a team-lead layer or a split; track their check-in coverage.",
            )
        )
    if narrow:
        report.findings.append(
            Finding(
                "structure",
                "info",
                f"{narrow} managers have fewer than {MIN_SPAN} direct reports: results for such small "
                "teams are suppressed.",
                "Roll their teams up to the next manager for reporting, or review whether the layer "
                "is needed.",
            )
        )


def _missing_fields(
    session: Session, active: Callable[[Select[Any]], Select[Any]], today: dt.date, report: Readiness
) -> None:
    exited = (
        session.scalar(select(func.count()).where(Person.exit_date.is_not(None), Person.exit_date <= today))
        or 0
    )
    no_reason = (
        session.scalar(
            select(func.count()).where(
                Person.exit_date.is_not(None), Person.exit_date <= today, Person.exit_reason.is_(None)
            )
        )
        or 0
    )
    checks: list[tuple[str, int, int, str, str]] = [
        (
            "exit_reason",
            no_reason,
            exited,
            "regretted attrition and the retention objective",
            "Record an exit reason (voluntary, involuntary, retirement) for every leaver.",
        ),
    ]
    for column, purpose, action in (
        (
            Person.pay_band_min,
            "pay-equity checks and fairness audits",
            "Import pay bands (min/max) with the people file.",
        ),
        (Person.hire_date, "tenure bands and time to proficiency", "Import hire dates with the people file."),
        (Person.manager_id, "team scoping and spans of control", "Import each person's manager."),
        (Person.location, "location breakdowns", "Import each person's work location."),
        (Person.level, "level breakdowns and promotion analysis", "Import each person's job level."),
    ):
        total = session.scalar(active(select(func.count(Person.id)))) or 0
        missing = session.scalar(active(select(func.count(Person.id)).where(column.is_(None)))) or 0
        checks.append((column.key, missing, total, purpose, action))
    for name, missing, total, purpose, action in checks:
        if total and missing / total > 0.1:
            report.findings.append(
                Finding(
                    "fields",
                    "warning" if missing < total else "critical",
                    f"{name} is missing for {missing} of {total} records ({missing / total:.0%}): "
                    f"{purpose} suffer.",
                    action,
                )
            )
    for model, label, purpose, action in (
        (
            SkillDemand,
            "skill demand",
            "the strategic-skill-coverage objective",
            "Record the skills the strategy needs per unit and period (`skill_demand`).",
        ),
        (
            ProtectedAttribute,
            "protected attributes",
            "fairness audits of models and decisions",
            "Collect voluntary, self-reported protected attributes for fairness audits only.",
        ),
        (Survey, "surveys", "listening and the engagement objective", "Run and import an engagement survey."),
    ):
        if not session.scalar(select(func.count()).select_from(model)):
            report.findings.append(
                Finding("fields", "warning", f"No {label}: {purpose} cannot be measured.", action)
            )
