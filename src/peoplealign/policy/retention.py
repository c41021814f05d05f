"""Retention: what is past the charter's retention period is deleted or anonymised, and the run is
audited. The web app calls `enforce_retention` daily; `--dry-run` shows the counts first.

Each source ages by its natural date (a survey answer by the day it was given, a leaver's record by
the exit date). Records whose link to a person is mandatory cannot be anonymised in place, so
"anonymise" deletes them; where the link is optional it is cut, keeping the aggregate value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, delete, func, literal, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from peoplealign.errors import PermissionDeniedError
from peoplealign.policy import audit, data_version
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument, DataSource
from peoplealign.store.models import (
    ActivityWeek,
    CollaborationEdge,
    Comment,
    Enrollment,
    InternalMove,
    Person,
    PersonSkill,
    Prediction,
    ProficiencyMilestone,
    ProtectedAttribute,
    Response,
    Survey,
    User,
)

ANONYMISED_NAME = "Anonymised former employee"
ANONYMISED_PREFIX = "anonymised-"


class RetentionPermissionError(PermissionDeniedError):
    """Deleting data past retention is an administrator's job (or the system's daily run)."""


@dataclass(frozen=True)
class Aged:
    """One table of a source: its rows past the cutoff, and whether they can be unlinked instead of
    deleted (`person_link`)."""

    model: Any
    expired: Callable[[dt.date], ColumnElement[bool]]
    person_link: InstrumentedAttribute[Any] | None = None


@dataclass
class SourceOutcome:
    source: str
    retention_days: int
    cutoff: dt.date
    action: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "retention_days": self.retention_days,
            "cutoff": self.cutoff.isoformat(),
            "action": self.action,
            "rows": dict(self.rows),
            "total": self.total,
        }


@dataclass
class RetentionReport:
    dry_run: bool
    run_on: dt.date
    sources: list[SourceOutcome]

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sources)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "run_on": self.run_on.isoformat(),
            "total": self.total,
            "sources": [s.as_dict() for s in self.sources],
        }


def _before(column: Any) -> Callable[[dt.date], ColumnElement[bool]]:
    return lambda cutoff: column < cutoff


def _before_moment(column: Any) -> Callable[[dt.date], ColumnElement[bool]]:
    return lambda cutoff: column < dt.datetime.combine(cutoff, dt.time.min, tzinfo=dt.UTC)


def _survey_expired(cutoff: dt.date) -> ColumnElement[bool]:
    """An answer without its own date ages with the survey it belongs to."""
    closed = select(Survey.id).where(Survey.closed_on < cutoff)
    return or_(
        Response.answered_on < cutoff,
        and_(Response.answered_on.is_(None), Response.survey_id.in_(closed)),
    )


def _left_before(column: Any) -> Callable[[dt.date], ColumnElement[bool]]:
    """Rows about people who left before the cutoff."""
    return lambda cutoff: column.in_(select(Person.id).where(Person.exit_date < cutoff))


AGED: dict[str, tuple[Aged, ...]] = {
    "protected_attributes": (Aged(ProtectedAttribute, _left_before(ProtectedAttribute.person_id)),),
    "survey": (Aged(Response, _survey_expired, Response.person_id),),
    "comments": (Aged(Comment, _before(Comment.created_on), Comment.person_id),),
    "activity": (Aged(ActivityWeek, _before(ActivityWeek.week_start)),),
    "collaboration": (Aged(CollaborationEdge, _before(CollaborationEdge.period_start)),),
    "skills": (
        Aged(PersonSkill, _before(PersonSkill.assessed_on)),
        Aged(Enrollment, _before(func.coalesce(Enrollment.completed_on, Enrollment.enrolled_on))),
        Aged(InternalMove, _before(InternalMove.move_date)),
        Aged(ProficiencyMilestone, _before(ProficiencyMilestone.reached_on)),
    ),
    "predictions": (Aged(Prediction, _before_moment(Prediction.scored_at)),),
}


def _count(session: Session, model: Any, condition: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(condition)) or 0)


def _apply_aged(session: Session, source: DataSource, cutoff: dt.date, dry_run: bool) -> dict[str, int]:
    rows: dict[str, int] = {}
    for aged in AGED[source.key]:
        condition = aged.expired(cutoff)
        unlink = source.after_retention == "anonymise" and aged.person_link is not None
        if unlink:
            assert aged.person_link is not None
            condition = and_(condition, aged.person_link.is_not(None))
        rows[aged.model.__tablename__] = _count(session, aged.model, condition)
        if dry_run or not rows[aged.model.__tablename__]:
            continue
        if unlink:
            assert aged.person_link is not None
            session.execute(
                update(aged.model).where(condition).values({aged.person_link.key: None}),
                execution_options={"synchronize_session": False},
            )
        else:
            session.execute(
                delete(aged.model).where(condition), execution_options={"synchronize_session": False}
            )
    return rows


def _expired_leavers(cutoff: dt.date) -> ColumnElement[bool]:
    return and_(Person.exit_date < cutoff, ~Person.hris_id.startswith(ANONYMISED_PREFIX))


def _apply_hris(session: Session, source: DataSource, cutoff: dt.date, dry_run: bool) -> dict[str, int]:
    """Leavers past retention: identity and pay removed (or the record deleted), the rest kept so
    historical turnover and tenure statistics still add up."""
    condition = _expired_leavers(cutoff)
    count = _count(session, Person, condition)
    if dry_run or not count:
        return {"person": count}
    ids = select(Person.id).where(condition).scalar_subquery()
    options = {"synchronize_session": False}
    if source.after_retention == "delete":
        session.execute(
            update(User).where(User.person_id.in_(ids)).values(person_id=None), execution_options=options
        )
        session.execute(
            update(Person).where(Person.manager_id.in_(ids)).values(manager_id=None),
            execution_options=options,
        )
        session.execute(delete(Person).where(Person.id.in_(ids)), execution_options=options)
    else:
        session.execute(
            update(Person)
            .where(condition)
            .values(
                hris_id=literal(ANONYMISED_PREFIX, String) + cast(Person.id, String),
                name=ANONYMISED_NAME,
                email=None,
                salary=None,
                pay_band_min=None,
                pay_band_max=None,
                updated_at=dt.datetime.now(dt.UTC),
            ),
            execution_options=options,
        )
    return {"person": count}


def enforce_retention(
    session: Session,
    actor: Actor,
    charter: CharterDocument | None = None,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> RetentionReport:
    """Delete or anonymise everything past retention (in the caller's transaction), audited with the
    counts per source; a dry run only counts."""
    if not actor.has_role("admin"):
        raise RetentionPermissionError(
            f"only an administrator may enforce retention; {actor.email} is not one"
        )
    if charter is None:
        from peoplealign.policy.charter_store import active_charter

        charter = active_charter(session)
    run_on = today or dt.date.today()
    outcomes: list[SourceOutcome] = []
    for source in charter.sources:
        cutoff = run_on - dt.timedelta(days=source.retention_days)
        apply = _apply_hris if source.key == "hris" else _apply_aged
        rows = apply(session, source, cutoff, dry_run)
        outcomes.append(
            SourceOutcome(source.key, source.retention_days, cutoff, source.after_retention, rows)
        )
    report = RetentionReport(dry_run, run_on, outcomes)
    if not dry_run:
        data_version.touch(session)  # anonymised records change in place: cached aggregates go
        audit.record(
            session,
            actor,
            "retention.enforce",
            "retention",
            outcome="changed",
            detail={
                "charter_version": charter.version,
                "run_on": run_on.isoformat(),
                "counts": {s.source: s.rows for s in outcomes},
                "total": report.total,
            },
        )
    return report
