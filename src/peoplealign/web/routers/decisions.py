"""The recommendation queue and career decisions: pages for people and their /api/v1 twins, all on
the same services and policy checks as `peoplealign decisions`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from jinja2.utils import htmlsafe_json_dumps
from pydantic import BaseModel, Field

from peoplealign.decisions.career_decisions import decision_types, record_decision, review_decision
from peoplealign.decisions.queue import (
    ACTIVE_STATUSES,
    QueueAction,
    act,
    queue_items,
    queue_listing,
    recommendation_queue,
    show_recommendation,
)
from peoplealign.errors import InvalidInputError
from peoplealign.policy.actor import Actor
from peoplealign.policy.decision_access import decision, decisions
from peoplealign.web.charter_rules import views_for_roles
from peoplealign.web.deps import CurrentActor, CurrentCharter, DbSession, require_view
from peoplealign.web.paging import paginate
from peoplealign.web.problems import AccessDenied
from peoplealign.web.templating import render

router = APIRouter()

QUEUE_VIEWS = frozenset({"recommendation_queue", "coaching"})
# Each recommendation is a card with its evidence and four action forms: 25 is a page one works
# through, and rendering 50 of them was most of the page's time.
QUEUE_PAGE_SIZE = 25


def queue_actor(actor: CurrentActor, charter: CurrentCharter) -> Actor:
    """HR partners work the whole queue; managers their own teams' coaching and rebalancing."""
    if not QUEUE_VIEWS & views_for_roles(charter, actor.roles):
        raise AccessDenied(
            "The People Alignment Charter does not give your roles the recommendation queue. "
            "If you need it for your work, ask an administrator."
        )
    return actor


QueueActor = Annotated[Actor, Depends(queue_actor)]
DecisionsActor = Annotated[Actor, Depends(require_view("decisions"))]


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"expected a date YYYY-MM-DD, got {text!r}") from None


# --- recommendation queue -------------------------------------------------------------------------


def _evidence_rows(evidence: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """Each piece of evidence as (label, text, structured), formatted here once as the template's
    `tojson` would (filters and tests on every value were most of the page's rendering time)."""
    return [
        (
            key.replace("_", " "),
            htmlsafe_json_dumps(value, sort_keys=True)
            if (structured := isinstance(value, Mapping | list | tuple))
            else str(value),
            structured,
        )
        for key, value in evidence.items()
    ]


@router.get("/decisions/queue", name="recommendation_queue", include_in_schema=False)
def queue_page(
    request: Request,
    session: DbSession,
    actor: QueueActor,
    charter: CurrentCharter,
    done: int | None = None,
    kind: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """After acting on a recommendation (`done`), the page that holds it, so the result is in view.
    The whole queue is listed (audited as counts) for the counts and the paging; only the page's
    recommendations are loaded in full, so only their people are audited as shown."""
    listing = queue_listing(session, charter, actor, include_closed=True)
    counts = Counter(i.kind for i in listing if i.status in ACTIVE_STATUSES)
    shown = [i for i in listing if kind is None or i.kind == kind]
    active = [i for i in shown if i.status in ACTIVE_STATUSES]
    closed = [i for i in shown if i.status not in ACTIVE_STATUSES]
    ordered = [*active, *closed]
    if done is not None and "page" not in request.query_params:
        page = next((n // QUEUE_PAGE_SIZE + 1 for n, item in enumerate(ordered) if item.id == done), page)
    listed = paginate(request, ordered, page, QUEUE_PAGE_SIZE)
    items = queue_items(session, charter, actor, listed.items)
    return render(
        request,
        "decisions_queue.html",
        {
            "title": "Recommendation queue",
            "active": [i for i in items if i.status in ACTIVE_STATUSES],
            "closed": [i for i in items if i.status not in ACTIVE_STATUSES],
            "active_total": len(active),
            "closed_total": len(closed),
            "page": listed,
            "done": done,
            "kind": kind,
            "counts": sorted(counts.items()),
            "evidence_of": {i.id: _evidence_rows(i.evidence) for i in items},
            "tomorrow": dt.date.today() + dt.timedelta(days=1),
        },
    )


@router.post("/decisions/queue/{recommendation_id}", include_in_schema=False)
def queue_act_form(
    recommendation_id: int,
    session: DbSession,
    actor: QueueActor,
    charter: CurrentCharter,
    action: Annotated[str, Form()],
    reason: Annotated[str | None, Form()] = None,
    until: Annotated[str | None, Form()] = None,
    outcome: Annotated[str | None, Form()] = None,
    kind: Annotated[str | None, Form()] = None,
) -> Response:
    act(
        session,
        charter,
        actor,
        recommendation_id,
        action,
        reason=reason,
        until=_day(until),
        outcome=outcome,
    )
    query = urlencode({"done": recommendation_id, **({"kind": kind} if kind else {})})
    return RedirectResponse(f"/decisions/queue?{query}#recommendation-{recommendation_id}", status_code=303)


class QueueActionBody(BaseModel):
    action: QueueAction = Field(description="accept | dismiss | snooze | outcome")
    reason: str | None = Field(None, description="Why it is dismissed (required to dismiss).")
    until: dt.date | None = Field(None, description="Snooze until this date.")
    outcome: str | None = Field(None, description="What came of it (required for outcome).")


@router.get("/api/v1/recommendations", tags=["decisions"])
def recommendations_api(
    session: DbSession, actor: QueueActor, charter: CurrentCharter, include_closed: bool = False
) -> dict[str, Any]:
    """The recommendations the charter lets you see, each with its explanation, evidence and model
    version. Stay interviews only for roles with individual flight-risk access."""
    items = recommendation_queue(session, charter, actor, include_closed=include_closed)
    return {"recommendations": [i.as_dict() for i in items]}


@router.get("/api/v1/recommendations/{recommendation_id}", tags=["decisions"])
def recommendation_api(
    recommendation_id: int, session: DbSession, actor: QueueActor, charter: CurrentCharter
) -> dict[str, Any]:
    return show_recommendation(session, charter, actor, recommendation_id).as_dict()


@router.post("/api/v1/recommendations/{recommendation_id}/actions", tags=["decisions"])
def recommendation_action_api(
    recommendation_id: int,
    body: QueueActionBody,
    session: DbSession,
    actor: QueueActor,
    charter: CurrentCharter,
) -> dict[str, Any]:
    """Accept, dismiss (reason required), snooze (until a later date) or record the outcome."""
    return act(
        session,
        charter,
        actor,
        recommendation_id,
        body.action,
        reason=body.reason,
        until=body.until,
        outcome=body.outcome,
    ).as_dict()


# --- career decisions -----------------------------------------------------------------------------


@router.get("/decisions", name="decisions", include_in_schema=False)
def decisions_page(
    request: Request,
    session: DbSession,
    actor: DecisionsActor,
    charter: CurrentCharter,
    recorded: int | None = None,
    reviewed: int | None = None,
) -> Response:
    rule_of = {r.type: r for r in charter.decision_rules}
    return render(
        request,
        "decisions.html",
        {
            "title": "Career decisions",
            "decisions": decisions(session, charter, actor),
            "awaiting": decisions(session, charter, actor, awaiting_me=True),
            "types": decision_types(charter),
            "rules": rule_of,
            "recorded": recorded,
            "reviewed": reviewed,
        },
    )


@router.post("/decisions", include_in_schema=False)
def decisions_form(
    session: DbSession,
    actor: DecisionsActor,
    charter: CurrentCharter,
    decision_type: Annotated[str, Form()],
    subject: Annotated[str, Form()],
    rationale: Annotated[str | None, Form()] = None,
    second_reviewer: Annotated[str | None, Form()] = None,
    considered: Annotated[str | None, Form()] = None,
    effective_on: Annotated[str | None, Form()] = None,
) -> Response:
    """The signed-in person records a decision they made."""
    record = record_decision(
        session,
        charter,
        decision_type=decision_type,
        subject=subject,
        decided_by=actor.email,
        rationale=rationale,
        second_reviewer=second_reviewer,
        considered=considered,
        effective_on=_day(effective_on),
        recorded_by=actor,
    )
    return RedirectResponse(f"/decisions?recorded={record.id}", status_code=303)


@router.post("/decisions/{decision_id}/review", include_in_schema=False)
def review_form(
    decision_id: int,
    session: DbSession,
    actor: DecisionsActor,
    charter: CurrentCharter,
    verdict: Annotated[str, Form()],
    note: Annotated[str | None, Form()] = None,
) -> Response:
    """The signed-in second reviewer confirms or rejects a decision that waits for them."""
    if verdict not in ("confirm", "reject"):
        raise InvalidInputError(f"unknown verdict {verdict!r}; expected confirm or reject")
    review_decision(session, charter, actor, decision_id, confirm=verdict == "confirm", note=note)
    return RedirectResponse(f"/decisions?reviewed={decision_id}", status_code=303)


class DecisionBody(BaseModel):
    type: str = Field(description="hire | promotion | termination | pay_change | performance_rating")
    subject: str = Field(description="HRIS id of the person the decision is about.")
    decided_by: str | None = Field(None, description="Your email: you record decisions you make yourself.")
    rationale: str | None = Field(None, description="Why, in your own words (required).")
    second_reviewer: str | None = Field(None, description="Email of the second reviewer (termination).")
    considered: list[str] = Field(
        default_factory=list, description="AI inputs: prediction:ID, recommendation:ID."
    )
    effective_on: dt.date | None = None


@router.post("/api/v1/decisions", tags=["decisions"], status_code=201)
def record_decision_api(
    body: DecisionBody, session: DbSession, actor: CurrentActor, charter: CurrentCharter
) -> dict[str, Any]:
    """Record a career decision you made. Refused (403, audited, with the charter rule) without a
    named decision maker whose role may decide, without a rationale, without the second reviewer the
    charter asks for (termination), or with an AI input the charter forbids for the type (flight
    risk for promotion, pay or termination)."""
    return record_decision(
        session,
        charter,
        decision_type=body.type,
        subject=body.subject,
        decided_by=body.decided_by,
        rationale=body.rationale,
        second_reviewer=body.second_reviewer,
        considered=body.considered,
        effective_on=body.effective_on,
        recorded_by=actor,
    ).as_dict()


@router.get("/api/v1/decisions", tags=["decisions"])
def decisions_api(session: DbSession, actor: DecisionsActor, charter: CurrentCharter) -> dict[str, Any]:
    return {"decisions": [d.as_dict() for d in decisions(session, charter, actor)]}


@router.get("/api/v1/decisions/awaiting-review", tags=["decisions"])
def awaiting_review_api(session: DbSession, actor: DecisionsActor, charter: CurrentCharter) -> dict[str, Any]:
    """Decisions that name you as second reviewer and are pending until you confirm or reject them."""
    return {"decisions": [d.as_dict() for d in decisions(session, charter, actor, awaiting_me=True)]}


class ReviewBody(BaseModel):
    confirm: bool = Field(description="true: the decision takes effect; false: it is rejected.")
    note: str | None = Field(None, description="Why, in your own words (required).")


@router.post("/api/v1/decisions/{decision_id}/review", tags=["decisions"])
def review_decision_api(
    decision_id: int, body: ReviewBody, session: DbSession, actor: CurrentActor, charter: CurrentCharter
) -> dict[str, Any]:
    """As the second reviewer named on the decision, confirm or reject it with a note. Refused (403,
    audited, with the charter rule) for anyone else or without a note; a decision that names a second
    reviewer stays pending_review until then."""
    return review_decision(
        session, charter, actor, decision_id, confirm=body.confirm, note=body.note
    ).as_dict()


@router.get("/api/v1/decisions/{decision_id}", tags=["decisions"])
def decision_api(
    decision_id: int, session: DbSession, actor: CurrentActor, charter: CurrentCharter
) -> dict[str, Any]:
    """One decision: for the person it is about, or for roles with the decisions view."""
    return decision(session, charter, actor, decision_id).as_dict()
