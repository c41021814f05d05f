"""My data for every employee: what is held about them, who may see it, who looked, the JSON export
and correction requests; and, for HR, the queue of correction requests to resolve."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from peoplealign.decisions.my_data import my_data
from peoplealign.policy.access_log import own_person
from peoplealign.policy.actor import Actor
from peoplealign.policy.correction_access import open_corrections, request_correction, resolve_correction
from peoplealign.web.deps import CurrentCharter, DbSession, require_view
from peoplealign.web.paging import PAGE_SIZE, page_of
from peoplealign.web.templating import render

router = APIRouter()

MyDataActor = Annotated[Actor, Depends(require_view("my_data"))]
PeopleActor = Annotated[Actor, Depends(require_view("people"))]


@router.get("/my-data", name="my_data", include_in_schema=False)
def my_data_page(
    request: Request,
    session: DbSession,
    actor: MyDataActor,
    charter: CurrentCharter,
    requested: int | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """The access log is shown a page at a time: someone whose record is read often has thousands of
    entries, and reading and rendering them all was most of the page's time. The export holds them."""
    data = my_data(session, charter, actor, log_from=(page - 1) * PAGE_SIZE, log_size=PAGE_SIZE)
    return render(
        request,
        "my_data.html",
        {
            "title": "My data",
            "data": data,
            "log": page_of(request, data.access_log, page, data.access_log_total),
            "requested": requested,
        },
    )


@router.get("/my-data/export", include_in_schema=False)
def my_data_download(session: DbSession, actor: MyDataActor, charter: CurrentCharter) -> Response:
    """The same content as the page, as a JSON file to keep."""
    payload = my_data(session, charter, actor).as_dict()
    return Response(
        json.dumps(payload, indent=2, default=str, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"'},
    )


@router.get("/api/v1/my-data", tags=["my data"])
def my_data_api(session: DbSession, actor: MyDataActor, charter: CurrentCharter) -> dict[str, Any]:
    """Everything held about you that the charter lets you see, what it lets others see, and the
    access log of your record (every read or change by someone else)."""
    return my_data(session, charter, actor).as_dict()


@router.post("/my-data/corrections", include_in_schema=False)
def correction_form(
    session: DbSession,
    actor: MyDataActor,
    charter: CurrentCharter,
    field: Annotated[str, Form()],
    requested_value: Annotated[str | None, Form()] = None,
    reason: Annotated[str | None, Form()] = None,
) -> Response:
    view = request_correction(
        session, charter, actor, own_person(session, actor), field, requested_value, reason
    )
    return RedirectResponse(f"/my-data?requested={view.id}#corrections", status_code=303)


@router.get("/people/corrections", name="correction_requests", include_in_schema=False)
def corrections_page(
    request: Request,
    session: DbSession,
    actor: PeopleActor,
    charter: CurrentCharter,
    resolved: int | None = None,
) -> Response:
    return render(
        request,
        "corrections.html",
        {
            "title": "Correction requests",
            "requests": open_corrections(session, charter, actor),
            "resolved": resolved,
        },
    )


@router.post("/people/corrections/{request_id}", include_in_schema=False)
def resolve_form(
    request_id: int,
    session: DbSession,
    actor: PeopleActor,
    charter: CurrentCharter,
    status: Annotated[str, Form()],
    resolution: Annotated[str, Form()],
) -> Response:
    resolve_correction(session, charter, actor, request_id, status, resolution)
    return RedirectResponse(f"/people/corrections?resolved={request_id}", status_code=303)
