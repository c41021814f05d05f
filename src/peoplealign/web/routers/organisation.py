"""The home page and its API twin: the organisation's size and structure as the actor may see it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from peoplealign.alignment.organisation import OrgOverview, organisation_overview
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import CharterDocument
from peoplealign.web.charter_rules import org_scope_for_roles
from peoplealign.web.charts import chart_units, headcount_figure_json
from peoplealign.web.deps import CurrentCharter, DbSession, require_view
from peoplealign.web.templating import render

router = APIRouter()

HomeActor = Annotated[Actor, Depends(require_view("home"))]


def _overview(session: DbSession, actor: Actor, charter: CharterDocument) -> OrgOverview:
    scope = org_scope_for_roles(charter, actor.roles)
    return organisation_overview(session, actor, scope=scope, k=charter.k_aggregate)


@router.get("/", name="home", include_in_schema=False)
def home(request: Request, session: DbSession, actor: HomeActor, charter: CurrentCharter) -> Response:
    overview = _overview(session, actor, charter)
    units = chart_units(overview)
    return render(
        request,
        "home.html",
        {
            "title": "Organisation overview",
            "overview": overview,
            "chart_units": units,
            "withheld_in_chart": [u for u in units if u.headcount is None],
            "figure_json": headcount_figure_json(units),
        },
    )


@router.get("/api/v1/organisation", tags=["organisation"])
def organisation(session: DbSession, actor: HomeActor, charter: CurrentCharter) -> dict[str, Any]:
    """Headcount and unit tree as the home page shows them to you: units with fewer than `k`
    people, and units that would let such a group be computed, have `headcount: null` and say why
    in `withheld` (`small` or `protects_small`)."""
    return _overview(session, actor, charter).to_dict()
