"""What a metrics dashboard shows: the active (approved) version of each agreed metric, computed
through the policy layer for the viewer, never a version still in review or one retired.

One metric that cannot be computed (no survey imported yet, a source the charter keeps from this
viewer) must not take the others down with it: its panel carries a note saying why and what would
change that, and the rest of the dashboard is shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from peoplealign.metrics.annotations import AnnotationView, annotations_in
from peoplealign.metrics.anomalies import ALL_SIGNALS
from peoplealign.metrics.definitions import active_definitions
from peoplealign.metrics.library import MeasureValues, WeeklySeries, compute, weekly_series
from peoplealign.policy.actor import Actor
from peoplealign.policy.metric_access import UnitCell
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

    notes: dict[int, list[AnnotationView]] = field(default_factory=dict)
    weekly: WeeklySeries | None = None


@dataclass(frozen=True)
class _Window:
    """Which annotations belong beside a panel: about its released units, overlapping its period,
    about any signal for a work-pattern metric or else only about the team's whole work pattern."""

    units: frozenset[int]
    start: dt.date
    end: dt.date
    any_signal: bool

    def shows(self, note: AnnotationView) -> bool:
        return (
            note.end_date >= self.start
            and note.start_date <= self.end
            and (self.any_signal or note.metric_key == ALL_SIGNALS)
        )


def _window(panel: MetricPanel) -> _Window | None:
    values = panel.values
    if values is None or "window_days" not in values.parameters:
        return None
    return _Window(
        frozenset(c.unit_id for c in values.report.cells if not c.suppressed and c.unit_id is not None),
        values.as_of - dt.timedelta(days=int(values.parameters["window_days"])),
        values.as_of,
        "activity" in values.measure.sources,
    )


def panel_contexts(session: Session, actor: Actor, panels: list[MetricPanel]) -> list[PanelContext]:
    """Each panel's context. The annotations of every panel come from one read (`annotations_in`,
    which keeps to the units the viewer may read and audits the read) over all their units and
    periods, then are sorted to the panels: a dashboard pays one check, query and audit event, not
    one per panel."""
    windows = [_window(panel) for panel in panels]
    asked = [w for w in windows if w is not None]
    if not asked:
        return [PanelContext() for _ in panels]
    units = sorted({unit for w in asked for unit in w.units})
    start, end = min(w.start for w in asked), max(w.end for w in asked)
    found = annotations_in(session, actor, units, None, start=start, end=end)
    contexts = []
    for panel, window in zip(panels, windows, strict=True):
        if window is None:
            contexts.append(PanelContext())
            continue
        notes = {
            unit: shown
            for unit in sorted(window.units)
            if (shown := [note for note in found.get(unit, []) if window.shows(note)])
        }
        contexts.append(PanelContext(notes, _weekly(session, actor, panel, window) if notes else None))
    return contexts


def _weekly(session: Session, actor: Actor, panel: MetricPanel, window: _Window) -> WeeklySeries | None:
    values = panel.values
    if values is None or values.measure.weekly is None or values.by != "org_unit":
        return None
    return weekly_series(
        session, actor, values.measure.key, values.parameters, start=window.start, end=window.end
    )


@dataclass(frozen=True)
class PanelView:
    """What a dashboard page shows of one panel: its values, the whole organisation's (or for a
    manager the whole team's) figure, and the context beside it."""

    panel: MetricPanel
    total: UnitCell | None = None
    context: PanelContext = field(default_factory=PanelContext)


def dashboard_view(session: Session, actor: Actor, *, as_of: dt.date | None = None) -> list[PanelView]:
    """The metrics page's content, read as the page reads it, so that the warm-up job computes what
    the first visitor needs. A measure whose read by unit carries no total (a survey measure) gets
    it from a second read for the whole organisation."""
    panels = dashboard(session, actor, as_of=as_of)
    shown = [panel for panel in panels if panel.values is not None]
    contexts = iter(panel_contexts(session, actor, shown))
    views = []
    for panel in panels:
        if panel.values is None:
            views.append(PanelView(panel))
            continue
        total = panel.values.report.total
        if total is None:
            total = values_of(session, actor, panel.definition, by="", as_of=as_of).report.cells[0]
        views.append(PanelView(panel, total, next(contexts)))
    return views
