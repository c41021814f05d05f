"""What a metrics dashboard shows: the active (approved) version of each agreed metric, computed
through the policy layer for the viewer, never a version still in review or one retired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError
from peoplealign.metrics.definitions import active_definitions
from peoplealign.metrics.library import MeasureValues, compute
from peoplealign.policy.actor import Actor
from peoplealign.store.models import MetricDefinition


@dataclass(frozen=True)
class MetricPanel:
    definition: MetricDefinition
    values: MeasureValues


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


def dashboard(
    session: Session, actor: Actor, *, by: str = "org_unit", as_of: dt.date | None = None
) -> list[MetricPanel]:
    return [
        MetricPanel(row, values_of(session, actor, row, by=by, as_of=as_of))
        for row in active_definitions(session)
    ]
