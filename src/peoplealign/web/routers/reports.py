"""`GET /api/v1/reports/survey`: the survey report for the signed-in user, same policy as the CLI."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from peoplealign.policy.aggregates import parse_breakdown
from peoplealign.policy.gateway import PersonalData
from peoplealign.web.deps import CurrentActor, DbSession

router = APIRouter()

SURVEY_PURPOSE = "survey_reporting"


@router.get("/api/v1/reports/survey", tags=["reports"])
def survey_report(
    session: DbSession,
    actor: CurrentActor,
    metric: Annotated[str, Query(description="engagement | enps | favorability")] = "engagement",
    by: Annotated[
        str | None, Query(description="Up to two of department, org_unit, location, level, tenure_band.")
    ] = None,
    survey: Annotated[str | None, Query(description="Survey id or code (default: the latest).")] = None,
) -> dict[str, Any]:
    """Cells `{group, n, value, suppressed, reason}` and the threshold `k`. Groups under `k`, and
    cells that would let such a group be computed by subtraction, come back with `n` and `value`
    null and a reason. Managers see their own reporting subtree; employees organisation totals."""
    reader = PersonalData(session, actor, SURVEY_PURPOSE)
    return reader.survey_cells(metric, parse_breakdown(by), survey_id=survey).as_dict()
