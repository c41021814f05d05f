"""The Data Ethics Statement for every signed-in user, generated from the charter in force: the page
and its API twin (Markdown or structured JSON)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import PlainTextResponse, Response
from markupsafe import Markup

from peoplealign.policy.statement import render_statement, statement_context
from peoplealign.web.deps import CurrentActor, CurrentCharter
from peoplealign.web.templating import render

router = APIRouter()

StatementFormat = Annotated[
    Literal["json", "md"], Query(description="json (structured data) or md (the Markdown document)")
]


@router.get("/ethics", name="ethics_statement", include_in_schema=False)
def ethics_page(request: Request, _actor: CurrentActor, charter: CurrentCharter) -> Response:
    """Open to everyone signed in, whatever the charter's views say: it is what they are promised."""
    # The statement's own templates escape every value taken from the charter.
    statement = Markup(render_statement(charter, "html", fragment=True))
    return render(
        request,
        "ethics.html",
        {"title": "Data ethics statement", "charter": charter, "statement": statement},
    )


@router.get(
    "/api/v1/ethics-statement",
    tags=["charter"],
    responses={200: {"content": {"text/markdown": {}, "application/json": {}}}},
)
def ethics_statement(
    _actor: CurrentActor,
    charter: CurrentCharter,
    format: StatementFormat = "json",
) -> Any:
    """The Data Ethics Statement of the charter in force: `format=md` gives the Markdown document;
    JSON gives the same content as data (sources with purposes, audiences and retention periods)."""
    if format == "md":
        return PlainTextResponse(render_statement(charter, "md"), media_type="text/markdown; charset=utf-8")
    return jsonable_encoder(statement_context(charter))
