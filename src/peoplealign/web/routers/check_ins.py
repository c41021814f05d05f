"""Check-ins: managers record conversations with their direct reports, beside the coaching prompts
from their teams' signals; employees read theirs and decide whether to share them. Private to the
two people by default."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from peoplealign.decisions.check_ins import create_check_in, set_shared
from peoplealign.errors import InvalidInputError
from peoplealign.metrics.coaching import stored_prompts
from peoplealign.policy.actor import Actor
from peoplealign.policy.check_in_access import CheckInAccess
from peoplealign.web.charter_rules import views_for_roles
from peoplealign.web.deps import CurrentCharter, DbSession, require_view
from peoplealign.web.paging import paginate
from peoplealign.web.templating import render

router = APIRouter()

CheckInActor = Annotated[Actor, Depends(require_view("check_ins"))]


@router.get("/check-ins", name="check_ins", include_in_schema=False)
def check_ins_page(
    request: Request,
    session: DbSession,
    actor: CheckInActor,
    charter: CurrentCharter,
    saved: int | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    access = CheckInAccess(session, actor, charter)
    prompts = (
        [p for p in stored_prompts(session, actor) if p.status in ("open", "accepted")]
        if "coaching" in views_for_roles(charter, actor.roles)
        else []
    )
    return render(
        request,
        "check_ins.html",
        {
            "title": "Check-ins",
            "check_ins": paginate(request, access.visible(), page),
            "reports": access.direct_reports(),
            "prompts": prompts,
            "today": dt.date.today().isoformat(),
            "saved": saved,
            "shows_queue": bool(actor.person_id) and actor.has_role("manager"),
        },
    )


@router.post("/check-ins", include_in_schema=False)
def create_form(
    session: DbSession,
    actor: CheckInActor,
    charter: CurrentCharter,
    employee: Annotated[str, Form()],
    held_on: Annotated[str, Form()],
    notes: Annotated[str | None, Form()] = None,
    goals: Annotated[str | None, Form()] = None,
    feedback: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        day = dt.date.fromisoformat(held_on)
    except ValueError:
        raise InvalidInputError(f"expected a date YYYY-MM-DD, got {held_on!r}") from None
    view = create_check_in(
        session,
        charter,
        actor,
        employee_hris_id=employee,
        held_on=day,
        notes=notes,
        goals=goals,
        feedback=feedback,
    )
    return RedirectResponse(f"/check-ins?saved={view.id}", status_code=303)


@router.post("/check-ins/{check_in_id}/share", include_in_schema=False)
def share_form(
    check_in_id: int,
    session: DbSession,
    actor: CheckInActor,
    charter: CurrentCharter,
    shared: Annotated[str, Form()],
) -> Response:
    set_shared(session, charter, actor, check_in_id, shared == "yes")
    return RedirectResponse(f"/check-ins?saved={check_in_id}", status_code=303)


@router.get("/api/v1/check-ins", tags=["check-ins"])
def check_ins_api(session: DbSession, actor: CheckInActor, charter: CurrentCharter) -> dict[str, Any]:
    """Your check-ins (as manager or employee) and those employees shared with you."""
    return {"check_ins": [c.as_dict() for c in CheckInAccess(session, actor, charter).visible()]}


@router.get("/api/v1/check-ins/{check_in_id}", tags=["check-ins"])
def check_in_api(
    check_in_id: int, session: DbSession, actor: CheckInActor, charter: CurrentCharter
) -> dict[str, Any]:
    """One check-in: refused (403, audited) unless you are in it or the employee shared it with you."""
    return CheckInAccess(session, actor, charter).get(check_in_id)[1].as_dict()
