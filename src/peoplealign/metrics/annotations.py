"""Human context beside the numbers: an annotation says what happened to a team in a time window
("a brainstorming sprint, not low productivity"), marks the flags it explains as explained, and can
take that window out of model training.

Only the unit's accountable manager (or someone above them) and analysts write annotations
(`policy.team_context`); the text is redacted before it is stored, like every free text; each
annotation and every flag it explains is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.metrics.anomalies import ALL_SIGNALS, WATCHABLE, Window
from peoplealign.policy import audit
from peoplealign.policy.metric_access import METRIC_PURPOSE
from peoplealign.policy.team_context import RESOURCE, readable_units, require_explainable, unit_names
from peoplealign.policy.text_intake import redacted_text
from peoplealign.store.models import Annotation, Anomaly, OrgUnit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peoplealign.policy.actor import Actor
    from peoplealign.policy.charter_document import CharterDocument

CATEGORIES: dict[str, str] = {
    "planned_event": "Planned event (sprint, offsite, launch, training)",
    "workload": "Workload change (deadline, incident, understaffing)",
    "staffing": "Team change (joiners, leavers, reorganisation)",
    "seasonal": "Seasonal or calendar effect",
    "data_issue": "Data problem (missing or wrong records)",
    "other": "Other",
}
MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class AnnotationView:
    id: int
    metric_key: str
    org_unit_id: int | None
    unit_code: str | None
    start_date: dt.date
    end_date: dt.date
    category: str
    text: str
    exclude_from_models: bool
    anomaly_id: int | None
    created_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "metric_key": self.metric_key,
            "org_unit_id": self.org_unit_id,
            "unit_code": self.unit_code,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "category": self.category,
            "text": self.text,
            "exclude_from_models": self.exclude_from_models,
            "anomaly_id": self.anomaly_id,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Annotated:
    annotation: AnnotationView
    explained: list[int]  # anomaly ids this annotation marked explained


def annotate(
    session: Session,
    actor: Actor,
    *,
    text: str,
    category: str,
    anomaly_id: int | None = None,
    org_unit: int | str | None = None,
    metric_key: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    exclude_from_models: bool = True,
    charter: CharterDocument | None = None,
) -> Annotated:
    """Add context to a flag (`anomaly_id`: its unit, signal and week are the defaults) or to any
    window of a unit's signal (`metric_key` "*" for all of them). Open flags of the unit inside the
    window, of the signal (or of every signal), become explained."""
    from peoplealign.policy.charter import active_charter

    if category not in CATEGORIES:
        raise InvalidInputError(f"category must be one of {', '.join(CATEGORIES)}, not {category!r}")
    flag = session.get(Anomaly, anomaly_id) if anomaly_id is not None else None
    if anomaly_id is not None and flag is None:
        raise NotFoundError(f"no anomaly with id {anomaly_id}")
    unit_id = flag.org_unit_id if flag is not None else _unit_id(session, org_unit)
    metric = metric_key or (flag.metric_key if flag is not None else None)
    if metric is None:
        raise InvalidInputError("name the signal the context is about (or * for all of them)")
    if metric != ALL_SIGNALS and metric not in WATCHABLE:
        raise InvalidInputError(f"unknown signal {metric!r}; choose from {', '.join(WATCHABLE)} or *")
    first = start or (flag.week_start if flag is not None else None)
    if first is None:
        raise InvalidInputError("give the start of the window the context is about")
    last = end or (flag.week_start + dt.timedelta(days=6) if flag is not None else first)
    if last < first or (last - first).days > MAX_WINDOW_DAYS:
        raise InvalidInputError(
            f"the window must end on or after its start and span at most {MAX_WINDOW_DAYS} days"
        )
    charter = charter or active_charter(session)
    require_explainable(session, charter, actor, unit_id, "annotate", METRIC_PURPOSE)
    stored = redacted_text(session, text, what="the context")
    row = Annotation(
        metric_key=metric,
        org_unit_id=unit_id,
        anomaly_id=flag.id if flag is not None else None,
        start_date=first,
        end_date=last,
        category=category,
        text=stored,
        exclude_from_models=exclude_from_models,
        author_user_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    explained = _explain(session, row)
    code = unit_names(session, {unit_id})[unit_id][0]
    audit.record(
        session,
        actor,
        "annotate",
        RESOURCE,
        subject=code,
        purpose=METRIC_PURPOSE,
        outcome="changed",
        detail={
            "annotation": row.id,
            "signal": metric,
            "window": [first.isoformat(), last.isoformat()],
            "category": category,
            "exclude_from_models": exclude_from_models,
            "explained_anomalies": explained,
        },
    )
    return Annotated(_view(row, code), explained)


def _explain(session: Session, annotation: Annotation) -> list[int]:
    """Open flags of the unit whose week starts inside the window (the flag the annotation answers
    always): the annotation is their context."""
    query = select(Anomaly).where(
        Anomaly.org_unit_id == annotation.org_unit_id,
        Anomaly.status == "open",
        or_(
            Anomaly.id == annotation.anomaly_id,
            Anomaly.week_start.between(annotation.start_date, annotation.end_date),
        ),
    )
    if annotation.metric_key != ALL_SIGNALS:
        query = query.where(
            or_(Anomaly.id == annotation.anomaly_id, Anomaly.metric_key == annotation.metric_key)
        )
    explained = list(session.scalars(query.order_by(Anomaly.id)))
    for flag in explained:
        flag.status = "explained"
    return [flag.id for flag in explained]


def annotations_for(
    session: Session,
    actor: Actor,
    org_unit_id: int,
    metric_key: str | None = None,
    *,
    charter: CharterDocument | None = None,
) -> list[AnnotationView]:
    """What charts draw beside a unit's series: its annotations about `metric_key` (and those about
    all signals), oldest first. Readable by whoever may read the unit's team-level results."""
    signals = None if metric_key is None else (metric_key,)
    return annotations_in(session, actor, [org_unit_id], signals, charter=charter).get(org_unit_id, [])


def annotations_in(
    session: Session,
    actor: Actor,
    org_unit_ids: Iterable[int],
    signals: Sequence[str] | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    charter: CharterDocument | None = None,
) -> dict[int, list[AnnotationView]]:
    """Unit id -> its annotations about any of `signals` (every signal when None; those about all
    signals always) whose window overlaps [start, end], oldest first, for the units the actor may
    read team-level results of: one check, one query and one audit event for a whole dashboard."""
    from peoplealign.policy.charter import active_charter

    charter = charter or active_charter(session)
    readable = readable_units(session, charter, actor, METRIC_PURPOSE)
    units = sorted({int(u) for u in org_unit_ids if readable is None or u in readable})
    rows: list[Annotation] = []
    if units:
        query = select(Annotation).where(Annotation.org_unit_id.in_(units))
        if signals is not None:
            query = query.where(Annotation.metric_key.in_([*signals, ALL_SIGNALS]))
        if start is not None:
            query = query.where(Annotation.end_date >= start)
        if end is not None:
            query = query.where(Annotation.start_date <= end)
        rows = list(session.scalars(query.order_by(Annotation.start_date, Annotation.id)))
    codes = {u: code for u, (code, _) in unit_names(session, set(units)).items()}
    audit.record(
        session,
        actor,
        "read_annotations",
        RESOURCE,
        subject=codes.get(units[0]) if len(units) == 1 else None,
        purpose=METRIC_PURPOSE,
        detail={
            "signals": list(signals) if signals is not None else None,
            "units": len(units),
            "window": [start.isoformat() if start else None, end.isoformat() if end else None],
            "annotations": len(rows),
        },
    )
    found: dict[int, list[AnnotationView]] = {}
    for row in rows:
        unit = int(row.org_unit_id or 0)
        found.setdefault(unit, []).append(_view(row, codes.get(unit)))
    return found


def annotations_of_anomalies(session: Session, anomaly_ids: list[int]) -> dict[int, list[AnnotationView]]:
    """Anomaly id -> annotations that answer it directly or cover its unit, signal and week; the
    caller has already read the anomalies through `list_anomalies`."""
    flags = list(session.scalars(select(Anomaly).where(Anomaly.id.in_(anomaly_ids))))
    units = {f.org_unit_id for f in flags}
    rows = list(session.scalars(select(Annotation).where(Annotation.org_unit_id.in_(units))))
    codes = {u: c for u, (c, _) in unit_names(session, units).items()}
    found: dict[int, list[AnnotationView]] = {}
    for flag in flags:
        found[flag.id] = [
            _view(row, codes.get(flag.org_unit_id))
            for row in rows
            if row.org_unit_id == flag.org_unit_id
            and (
                row.anomaly_id == flag.id
                or (
                    row.metric_key in (flag.metric_key, ALL_SIGNALS)
                    and row.start_date <= flag.week_start <= row.end_date
                )
            )
        ]
    return found


def excluded_windows(
    session: Session, org_unit_id: int | None = None, metric_key: str | None = None
) -> list[tuple[int | None, str, dt.date, dt.date]]:
    """(unit, signal, start, end) windows people asked models to leave out: training code drops the
    weeks of a unit that fall inside one. No personal data: unit-level context only."""
    return [
        (w.org_unit_id, w.signal, w.start, w.end)
        for w in annotation_windows(session)
        if w.exclude_from_models
        and (org_unit_id is None or w.org_unit_id == org_unit_id)
        and (metric_key is None or w.covers_signal(metric_key))
    ]


def annotation_windows(session: Session) -> list[Window]:
    """Every annotated window of every unit, oldest first: unit-level context, no personal data, so
    unattended jobs (detection, coaching rules) read it without an actor."""
    query = select(Annotation).where(Annotation.org_unit_id.is_not(None))
    return [
        Window(int(row.org_unit_id), row.metric_key, row.start_date, row.end_date, row.exclude_from_models)
        for row in session.scalars(query.order_by(Annotation.org_unit_id, Annotation.start_date))
        if row.org_unit_id is not None
    ]


def _unit_id(session: Session, org_unit: int | str | None) -> int:
    if org_unit is None:
        raise InvalidInputError("name the org unit (its code) or the anomaly the context is about")
    text = str(org_unit)
    found = session.scalar(select(OrgUnit.id).where(OrgUnit.code == text))
    if found is None and text.isdigit():
        found = session.scalar(select(OrgUnit.id).where(OrgUnit.id == int(text)))
    if found is None:
        raise NotFoundError(f"no org unit with code {text!r}")
    return int(found)


def _view(row: Annotation, code: str | None) -> AnnotationView:
    return AnnotationView(
        row.id,
        row.metric_key,
        row.org_unit_id,
        code,
        row.start_date,
        row.end_date,
        row.category,
        row.text,
        row.exclude_from_models,
        row.anomaly_id,
        row.created_at,
    )
