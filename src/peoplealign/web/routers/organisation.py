"""The home page and its API twin: for each persona the cards of its role (`web.home_cards`), then the
organisation's size and structure as the actor may see it."""

from __future__ import annotations

from typing import Annotated, Any
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from peoplealign.alignment.organisation import OrgOverview, organisation_overview
from peoplealign.policy.actor import Actor
from peoplealign.web.charter_rules import views_for_roles
from peoplealign.web.charts import headcount_figure_json
from peoplealign.web.deps import CurrentCharter, DbSession, require_view
from peoplealign.web.home_cards import HomeContext, cards_for
from peoplealign.web.templating import TEMPLATES, render, serves_page

router = APIRouter()

HomeActor = Annotated[Actor, Depends(require_view("home"))]

# The tree's HTML per overview: overviews are shared per data version and released figures
# (`organisation_overview`), and at the organisation scope the tree lists every unit.
_trees: WeakKeyDictionary[OrgOverview, Markup] = WeakKeyDictionary()


def tree_html(overview: OrgOverview) -> Markup:
    """The organisation tree of `overview`, rendered once per overview object."""
    html = _trees.get(overview)
    if html is None:
        html = _trees[overview] = Markup(TEMPLATES.get_template("_org_tree.html").render(overview=overview))
    return html


@router.get("/", name="home", include_in_schema=False)
def home(request: Request, session: DbSession, actor: HomeActor, charter: CurrentCharter) -> Response:
    overview = organisation_overview(session, actor, charter)
    units = overview.chart_units()
    context = HomeContext(
        session,
        actor,
        charter,
        views_for_roles(charter, actor.roles),
        lambda path: serves_page(request.app, path),
        overview.scope,
    )
    return render(
        request,
        "home.html",
        {
            "title": "Overview",
            "cards": cards_for(context),
            "overview": overview,
            "chart_units": units,
            "tree_html": tree_html(overview),
            "figure_json": headcount_figure_json(units),
        },
    )


@router.get("/api/v1/organisation", tags=["organisation"])
def organisation(session: DbSession, actor: HomeActor, charter: CurrentCharter) -> dict[str, Any]:
    """Headcount and unit tree as the home page shows them to you, read through the policy layer
    (purpose `org_reporting`). Headcounts per unit are organisation structure, the same facts as the
    org chart, so they are exact, small units included. `headcount` is the organisation-wide total
    everyone sees; everyone also sees each department's; units your scope has no figure for have
    `counted: false` and `headcount: null`. For managers, `reporting_line` and the figures of units
    below the departments (`reporting_line_only: true`) count their reporting line."""
    return organisation_overview(session, actor, charter).to_dict()
