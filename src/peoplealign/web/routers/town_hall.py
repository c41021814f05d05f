"""The town hall for every employee: the organisation's dashboards with the same numbers executives
see, anonymous stories and questions per chart, and leaders' public answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from peoplealign.decisions.town_hall import (
    LEADER_ROLE,
    answer_post,
    chart_posts,
    submit_post,
    town_hall,
    town_hall_with_posts,
)
from peoplealign.policy.actor import Actor
from peoplealign.web.deps import CurrentCharter, DbSession, require_view
from peoplealign.web.templating import render
from peoplealign.web.town_hall_charts import town_hall_figure_json

router = APIRouter()

TownHallActor = Annotated[Actor, Depends(require_view("town_hall"))]


@router.get("/town-hall", name="town_hall", include_in_schema=False)
def town_hall_page(
    request: Request,
    session: DbSession,
    actor: TownHallActor,
    charter: CurrentCharter,
    posted: str | None = None,
) -> Response:
    dashboard = town_hall(session, charter, actor)
    return render(
        request,
        "town_hall.html",
        {
            "title": "Town hall",
            "dashboard": dashboard,
            "figures": {c.spec.key: town_hall_figure_json(c) for c in dashboard.charts},
            "posts": chart_posts(session, charter),
            "is_leader": actor.has_role(LEADER_ROLE),
            "posted": posted,
            "k_posts": charter.k_comments,
        },
    )


@router.post("/town-hall/posts", include_in_schema=False)
def post_form(
    session: DbSession,
    actor: TownHallActor,
    charter: CurrentCharter,
    chart: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    text: Annotated[str, Form()],
) -> Response:
    submit_post(session, charter, actor, chart, kind, text)
    return RedirectResponse(f"/town-hall?posted={chart}#chart-{chart}", status_code=303)


@router.post("/town-hall/posts/{post_id}/answer", include_in_schema=False)
def answer_form(
    post_id: int,
    session: DbSession,
    actor: TownHallActor,
    charter: CurrentCharter,
    answer: Annotated[str, Form()],
) -> Response:
    post = answer_post(session, charter, actor, post_id, answer)
    return RedirectResponse(f"/town-hall#post-{post.id}", status_code=303)


@router.get("/api/v1/town-hall", tags=["town hall"])
def town_hall_api(session: DbSession, actor: TownHallActor, charter: CurrentCharter) -> dict[str, Any]:
    """The organisation-level charts every employee sees (the same numbers and suppression as the
    executive view), and per chart its published stories and questions."""
    return town_hall_with_posts(session, charter, actor)


class PostBody(BaseModel):
    chart: str = Field(description="headcount | engagement | enps | drivers | themes")
    kind: str = Field(description="story | question")
    text: str = Field(description="Stored only after redaction; no author is kept.")


@router.post("/api/v1/town-hall/posts", tags=["town hall"], status_code=201)
def post_api(
    body: PostBody, session: DbSession, actor: TownHallActor, charter: CurrentCharter
) -> dict[str, Any]:
    """Add an anonymous story or question to a chart. Posts appear once `k` different people have
    written on the chart (one person posting many times counts once)."""
    return submit_post(session, charter, actor, body.chart, body.kind, body.text).as_dict()
