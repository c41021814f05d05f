"""The audit trail for administrators: the newest events, filtered by actor or subject, and whether
the hash chain is intact (from the last full verification and the events checked since, with a button
for a full verification now). Reading and verifying it are recorded in it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from peoplealign.policy.actor import Actor
from peoplealign.policy.audit_review import MAX_EVENTS, brief_detail, review_audit_log, verify_audit_trail
from peoplealign.web.deps import CurrentCharter, DbSession, require_view
from peoplealign.web.paging import PAGE_SIZE, page_of
from peoplealign.web.templating import render

router = APIRouter()

AuditActor = Annotated[Actor, Depends(require_view("audit"))]
ActorFilter = Annotated[str | None, Query(alias="actor", description="Only events of this user (email).")]
SubjectFilter = Annotated[str | None, Query(description="Only events about this subject (e.g. an HRIS id).")]
Limit = Annotated[int, Query(ge=1, le=MAX_EVENTS, description="How many of the newest events.")]


@router.get("/audit", name="audit_log", include_in_schema=False)
def audit_page(
    request: Request,
    session: DbSession,
    actor: AuditActor,
    charter: CurrentCharter,
    actor_filter: ActorFilter = None,
    subject: SubjectFilter = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    review = review_audit_log(
        session,
        charter,
        actor,
        actor_filter=actor_filter,
        subject_filter=subject,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    listed = page_of(request, review.events, page, review.total)
    return render(
        request,
        "audit.html",
        {"title": "Audit trail", "review": review, "page": listed, "brief_detail": brief_detail},
    )


@router.post("/audit/verify", name="audit_verify", include_in_schema=False)
def audit_verify_form(session: DbSession, actor: AuditActor, charter: CurrentCharter) -> Response:
    """A full verification now; the page then shows it as the last one."""
    verify_audit_trail(session, charter, actor)
    return RedirectResponse("/audit#chain-status", status_code=303)


@router.get("/api/v1/audit-events", tags=["audit"])
def audit_events(
    session: DbSession,
    actor: AuditActor,
    charter: CurrentCharter,
    actor_filter: ActorFilter = None,
    subject: SubjectFilter = None,
    limit: Limit = 100,
) -> dict[str, Any]:
    """The newest audit events, newest first, and the hash-chain verification (`verification.ok`)."""
    review = review_audit_log(
        session, charter, actor, actor_filter=actor_filter, subject_filter=subject, limit=limit
    )
    return review.as_dict()
