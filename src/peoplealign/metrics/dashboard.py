"""What a metrics dashboard shows: the active (approved) version of each agreed metric, computed
through the policy layer for the viewer, never a version still in review or one retired.

One metric that cannot be computed (no survey imported yet, a source the charter keeps from this
viewer) must not take the others down with it: its panel carries a note saying why and what would
change that, and the rest of the dashboard is shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from peoplealign.metrics.annotations import AnnotationView, annotations_in
from peoplealign.metrics.definitions import active_definitions
from peoplealign.metrics.library import MeasureValues, WeeklySeries, compute, weekly_series
from peoplealign.policy.actor import Actor
from peoplealign.store.models import MetricDefinition


@dataclass(frozen=True)
class MetricPanel:
    definition: MetricDefinition
    values: MeasureValues | None
    note: str | None = None  # why there are no values, when there are none

    def as_dict(self) -> dict[str, Any]:
        found = self.values.as_dict() if self.values is not None else {"measure": self.definition.measure}
        return {
            "key": self.definition.key,
            "version": self.definition.version,
            **found,
            "computed": self.values is not None,
            "note": self.note,
        }


def values_of(
    session: Session,
    actor: Actor,
    row: MetricDefinition,
    *,
    by: str = "org_unit",
    as_of: dt.date | None = None,
) -> MeasureValues:
    if row.status != "approved":
        raise InvalidInputError(
            f"{row.key} version {row.version} is {row.status.replace('_', ' ')}: only approved versions "
            "have values on dashboards"
        )
    return compute(session, actor, row.measure, row.parameters, by=by, as_of=as_of)


def panel_of(
    session: Session,
    actor: Actor,
    row: MetricDefinition,
    *,
    by: str = "org_unit",
    as_of: dt.date | None = None,
) -> MetricPanel:
    """The panel of one metric; missing data or a refused read (already audited by the policy
    layer) becomes the panel's note instead of an error."""
    try:
        return MetricPanel(row, values_of(session, actor, row, by=by, as_of=as_of))
    except NotFoundError as exc:
        return MetricPanel(row, None, f"not computed: {exc}")
    except PermissionDeniedError as exc:
        return MetricPanel(row, None, f"not shown to you: {exc}")


def dashboard(
    session: Session, actor: Actor, *, by: str = "org_unit", as_of: dt.date | None = None
) -> list[MetricPanel]:
    return [panel_of(session, actor, row, by=by, as_of=as_of) for row in active_definitions(session)]


@dataclass(frozen=True)
class PanelContext:
    """What people said about the panel's units in its period, and for a measure with a weekly form
    the weekly series of the units concerned, so a chart can draw each window where it happened."""

    notes: dict[int, list[AnnotationView]]
    weekly: WeeklySeries | None = None


def panel_context(session: Session, actor: Actor, panel: MetricPanel) -> PanelContext:
    """Annotations of the units the panel shows, whose window overlaps the metric's period. A
    work-pattern metric shows context about any signal; any other metric only context about the
    team's whole work pattern (the "*" annotations). Read through `annotations_in`, which keeps
    to the units the viewer may read and audits the read."""
    values = panel.values
    if values is None or "window_days" not in values.parameters:
        return PanelContext({})
    start = values.as_of - dt.timedelta(days=int(values.parameters["window_days"]))
    units = [c.unit_id for c in values.report.cells if not c.suppressed and c.unit_id is not None]
    signals = None if "activity" in values.measure.sources else ()
    notes = annotations_in(session, actor, units, signals, start=start, end=values.as_of)
    weekly = None
    if notes and values.measure.weekly is not None and values.by == "org_unit":
        weekly = weekly_series(
            session, actor, values.measure.key, values.parameters, start=start, end=values.as_of
        )
    return PanelContext(notes, weekly)
