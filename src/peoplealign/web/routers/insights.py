"""People ROI and well-being balance pages and their API twins: the same services, the same policy
layer as `peoplealign roi report`, `wellbeing report` and `skills gaps`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from peoplealign.insights import roi, skills, wellbeing
from peoplealign.policy.actor import Actor
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.web.deps import CurrentActor, CurrentCharter, DbSession, require_view
from peoplealign.web.insight_charts import quadrant_figure_json
from peoplealign.web.paging import paginate
from peoplealign.web.templating import render

router = APIRouter()

RoiActor = Annotated[Actor, Depends(require_view(roi.ROI_VIEW))]
# The well-being quadrant is an organisation report: the charter's `reports` view.
WELLBEING_VIEW = "reports"
WellbeingActor = Annotated[Actor, Depends(require_view(WELLBEING_VIEW))]
SeedQuery = Annotated[int, Query(description="Seed of the bootstrap (same seed, same interval).")]


@router.get("/roi", name="roi", include_in_schema=False)
def roi_page(request: Request, session: DbSession, actor: RoiActor, charter: CurrentCharter) -> Response:
    report = roi.roi_report(session, actor, charter=charter)
    return render(request, "roi.html", {"title": "People ROI", "report": report})


@router.get("/api/v1/insights/roi", tags=["insights"])
def roi_api(
    session: DbSession, actor: CurrentActor, charter: CurrentCharter, seed: SeedQuery = 0
) -> dict[str, Any]:
    """Cost of attrition over the last twelve months per department and org unit (cells with fewer
    than k leavers come back suppressed with a reason), the turnover cost model with its source, and
    the cost avoided by initiatives people acted on, with a bootstrap interval. Refused unless the
    charter opens the `roi` view to your roles."""
    return roi.roi_report(session, actor, seed=seed, charter=charter).as_dict()


@router.get("/wellbeing", name="wellbeing", include_in_schema=False)
def wellbeing_page(
    request: Request, session: DbSession, actor: WellbeingActor, page: Annotated[int, Query(ge=1)] = 1
) -> Response:
    """The chart shows every team; the table a page at a time (hundreds of teams at 5,000 people),
    flagged and most strained teams first."""
    report = wellbeing.wellbeing_balance(WorkforceData(session, actor, wellbeing.WELLBEING_PURPOSE))
    return render(
        request,
        "wellbeing.html",
        {
            "title": "Well-being balance",
            "report": report,
            "teams": paginate(request, report.teams, page),
            "figure_json": quadrant_figure_json(report),
            "thresholds": {"efficiency": wellbeing.EFFICIENCY_RISE, "stress": wellbeing.STRESS_RISE},
        },
    )


@router.get("/api/v1/insights/wellbeing", tags=["insights"])
def wellbeing_api(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Per team: change in output per contracted hour against the stress index and its markers;
    flagged teams (efficiency up, stress up); teams under k come back suppressed with a reason."""
    return wellbeing.wellbeing_balance(WorkforceData(session, actor, wellbeing.WELLBEING_PURPOSE)).as_dict()


@router.get("/api/v1/insights/skill-gaps", tags=["insights"])
def skill_gaps_api(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Skill gaps ranked by people short times strategic weight, with demand trend and the learning
    programs that cover each skill; cells under k come back suppressed with a reason."""
    return skills.skill_gaps(WorkforceData(session, actor, skills.PLANNING_PURPOSE)).as_dict()
