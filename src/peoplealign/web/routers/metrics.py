"""Workshops, reviews and the metrics dashboard: the pages where the people who are measured agree
on the measures, and where only the agreed versions are shown. Thin: the rules live in
`metrics.workshops` and the figures come through the policy layer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.metrics import workshops
from peoplealign.metrics.annotations import CATEGORIES
from peoplealign.metrics.dashboard import dashboard, dashboard_view
from peoplealign.metrics.definitions import active_definitions, get_definition, spec_for_measure
from peoplealign.metrics.library import MEASURES, measure
from peoplealign.policy.actor import Actor
from peoplealign.policy.metric_access import UnitCell
from peoplealign.store.models import MetricDefinition, Workshop
from peoplealign.web.charter_rules import views_for_roles
from peoplealign.web.deps import CurrentActor, CurrentCharter, DbSession, require_view
from peoplealign.web.metric_charts import unit_figure_json, weekly_figure_json
from peoplealign.web.problems import AccessDenied
from peoplealign.web.templating import render

router = APIRouter()

MetricsActor = Annotated[Actor, Depends(require_view(workshops.FACILITATOR_VIEW))]
RATINGS = {1: "Not at all", 2: "Barely", 3: "Partly", 4: "Mostly", 5: "Very much"}


def _workshop_actor(actor: CurrentActor, charter: CurrentCharter) -> Actor:
    """Participants (the workshops view) and facilitators (the metrics view) may open workshops."""
    if not {workshops.PARTICIPANT_VIEW, workshops.FACILITATOR_VIEW} & views_for_roles(charter, actor.roles):
        raise AccessDenied("The People Alignment Charter does not open metric workshops to your roles.")
    return actor


WorkshopActor = Annotated[Actor, Depends(_workshop_actor)]


def _is_facilitator(actor: Actor, charter: Any) -> bool:
    return workshops.FACILITATOR_VIEW in views_for_roles(charter, actor.roles)


# --- workshops ----------------------------------------------------------------------------------


@router.get("/workshops", name="workshops", include_in_schema=False)
def workshop_list(
    request: Request, session: DbSession, actor: WorkshopActor, charter: CurrentCharter
) -> Response:
    found = workshops.workshops_of(session, actor)
    rows = [
        {
            "workshop": w,
            "versions": workshops.workshop_versions(session, w.id),
            "participants": len(workshops.participants(session, w.id)),
        }
        for w in found
    ]
    return render(
        request,
        "workshops.html",
        {"title": "Metric workshops", "rows": rows, "facilitator": _is_facilitator(actor, charter)},
    )


@router.post("/workshops", include_in_schema=False)
def open_workshop(
    session: DbSession,
    actor: MetricsActor,
    title: Annotated[str, Form()],
    participants: Annotated[str, Form()],
) -> Response:
    emails = [e for e in participants.replace(",", "\n").splitlines() if e.strip()]
    workshop = workshops.open_workshop(session, actor, title, emails)
    return RedirectResponse(f"/workshops/{workshop.id}", status_code=303)


def _capacities(session: DbSession, workshop_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, capacity in workshops.participants(session, workshop_id):
        counts[capacity] = counts.get(capacity, 0) + 1
    return counts


def _visible_workshop(session: DbSession, actor: Actor, workshop_id: int) -> Workshop:
    workshop = workshops.get_workshop(session, workshop_id)
    workshops.require_access(session, actor, workshop)
    return workshop


@router.get("/workshops/{workshop_id}", name="workshop", include_in_schema=False)
def workshop_page(
    request: Request,
    session: DbSession,
    actor: WorkshopActor,
    charter: CurrentCharter,
    workshop_id: int,
    done: str | None = None,
) -> Response:
    workshop = _visible_workshop(session, actor, workshop_id)
    versions = workshops.workshop_versions(session, workshop.id)
    cards = [_card(session, actor, charter, row) for row in versions if row.status == "in_review"]
    history = [row for row in versions if row.status != "in_review"]
    facilitator = _is_facilitator(actor, charter)
    active = len(active_definitions(session))
    return render(
        request,
        "workshop.html",
        {
            "title": workshop.title,
            "workshop": workshop,
            "cards": cards,
            "history": history,
            "capacities": _capacities(session, workshop.id),
            "facilitator": facilitator,
            "measures": list(MEASURES.values()) if facilitator else [],
            "rule": charter.metric_consensus,
            "active": active,
            "done": done,
        },
    )


def _card(session: DbSession, actor: Actor, charter: Any, row: MetricDefinition) -> dict[str, Any]:
    votes = workshops.votes(session, row)
    mine = next((v for v in votes if v.reviewer_user_id == actor.user_id), None)
    return {"row": row, "consensus": workshops.consensus(session, row, charter), "mine": mine}


@router.get("/workshops/{workshop_id}/metrics/{definition_id}", name="metric_review", include_in_schema=False)
def review_page(
    request: Request,
    session: DbSession,
    actor: WorkshopActor,
    charter: CurrentCharter,
    workshop_id: int,
    definition_id: int,
) -> Response:
    workshop = _visible_workshop(session, actor, workshop_id)
    row = _version_in(session, workshop, definition_id)
    card = _card(session, actor, charter, row)
    participant = any(u.id == actor.user_id for u, _ in workshops.participants(session, workshop.id))
    return render(
        request,
        "metric_review.html",
        {
            "title": f"Review: {row.name}",
            "workshop": workshop,
            "row": row,
            "card": card,
            "measure": measure(row.measure),
            "votes": workshops.votes(session, row),
            "participant": participant and workshop.status == "open" and row.status == "in_review",
            "facilitator": _is_facilitator(actor, charter),
            "ratings": RATINGS,
        },
    )


def _version_in(session: DbSession, workshop: Workshop, definition_id: int) -> MetricDefinition:
    row = workshops.get_version(session, definition_id)
    if row.workshop_id != workshop.id:
        raise NotFoundError(f"metric version {definition_id} is not part of workshop {workshop.id}")
    return row


@router.post("/workshops/{workshop_id}/metrics/{definition_id}/review", include_in_schema=False)
async def submit_review(
    request: Request,
    session: DbSession,
    actor: WorkshopActor,
    workshop_id: int,
    definition_id: int,
) -> Response:
    form = await request.form()
    row = _version_in(session, workshops.get_workshop(session, workshop_id), definition_id)
    verdict = str(form.get("verdict") or "")
    rating_text = str(form.get("rating") or "")
    suggested = _suggested(row, form) if verdict == "suggest" else None
    _, current = workshops.review(
        session,
        actor,
        row.id,
        verdict,
        reason=str(form.get("reason") or ""),
        blocking=form.get("blocking") == "yes",
        parameters=suggested,
        rating=int(rating_text) if rating_text.isdigit() else None,
        comment=str(form.get("comment") or ""),
    )
    outcome = "suggested" if current.id != row.id else "voted"
    return RedirectResponse(f"/workshops/{workshop_id}?done={outcome}:{current.key}", status_code=303)


def _suggested(row: MetricDefinition, form: Any) -> dict[str, Any]:
    """The parameters the form changed, converted to their declared types."""
    changed: dict[str, Any] = {}
    for parameter in measure(row.measure).parameters:
        text = str(form.get(f"param_{parameter.name}") or "").strip()
        if not text:
            continue
        try:
            value: Any = {"integer": int, "number": float}.get(parameter.kind, str)(text)
        except ValueError:
            raise InvalidInputError(f"{parameter.name}: {text!r} is not a {parameter.kind}") from None
        if value != row.parameters.get(parameter.name):
            changed[parameter.name] = value
    return changed


@router.post("/workshops/{workshop_id}/metrics/{definition_id}/resolve", include_in_schema=False)
def resolve_objection(
    session: DbSession, actor: WorkshopActor, workshop_id: int, definition_id: int
) -> Response:
    row = _version_in(session, workshops.get_workshop(session, workshop_id), definition_id)
    workshops.resolve_objection(session, actor, row.id)
    return RedirectResponse(f"/workshops/{workshop_id}?done=resolved:{row.key}", status_code=303)


@router.post("/workshops/{workshop_id}/metrics/{definition_id}/finalize", include_in_schema=False)
def finalize(session: DbSession, actor: MetricsActor, workshop_id: int, definition_id: int) -> Response:
    row = _version_in(session, workshops.get_workshop(session, workshop_id), definition_id)
    workshops.finalize(session, actor, row.id)
    return RedirectResponse(f"/workshops/{workshop_id}?done=finalised:{row.key}", status_code=303)


@router.post("/workshops/{workshop_id}/propose", include_in_schema=False)
def propose(
    session: DbSession,
    actor: MetricsActor,
    workshop_id: int,
    measure_key: Annotated[str, Form(alias="measure")],
    key: Annotated[str, Form()] = "",
) -> Response:
    row = workshops.propose(session, actor, workshop_id, spec_for_measure(measure_key, key.strip() or None))
    return RedirectResponse(f"/workshops/{workshop_id}?done=proposed:{row.key}", status_code=303)


# --- dashboard ----------------------------------------------------------------------------------


def _as_of(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise InvalidInputError(f"as_of {text!r}: expected a date YYYY-MM-DD") from None


@router.get("/metrics", name="metrics", include_in_schema=False)
def metrics_page(
    request: Request,
    session: DbSession,
    actor: MetricsActor,
    charter: CurrentCharter,
    as_of: str | None = None,
) -> Response:
    panels: list[dict[str, Any]] = []
    for view in dashboard_view(session, actor, as_of=_as_of(as_of)):
        values = view.panel.values
        if values is None:
            panels.append({"panel": view.panel})
            continue
        notes = [note for found in view.context.notes.values() for note in found]
        weekly = None
        if view.context.weekly is not None:
            weekly = weekly_figure_json(
                view.context.weekly,
                sorted(view.context.notes),
                notes,
                title=f"{view.panel.definition.name} ({values.measure.unit})",
            )
        panels.append(
            {
                "panel": view.panel,
                "total": view.total,
                "figure": unit_figure_json(values, view.context.notes),
                "rows": _unit_rows(values.report.cells),
                "notes": notes,
                "weekly": weekly,
            }
        )
    return render(
        request,
        "metrics.html",
        {"title": "Metrics", "panels": panels, "rule": charter.metric_consensus, "categories": CATEGORIES},
    )


def _unit_rows(cells: list[UnitCell]) -> list[tuple[str, int | str, float | str, str]]:
    """The per-unit table's rows as the values it prints: at 5,000 people a dashboard lists over a
    thousand cells, and reading each cell's attributes in the template cost more than the rest of
    the page."""
    return [
        (c.unit or "", "" if c.n is None else c.n, "" if c.value is None else c.value, c.reason or "")
        for c in cells
    ]


@router.get("/metrics/definitions/{key}", name="metric_definition", include_in_schema=False)
def definition_page(request: Request, session: DbSession, actor: WorkshopActor, key: str) -> Response:
    row = get_definition(session, key)
    history = _versions(session, key)
    return render(
        request,
        "metric_definition.html",
        {"title": row.name, "row": row, "measure": measure(row.measure), "history": history},
    )


def _versions(session: DbSession, key: str) -> list[MetricDefinition]:
    from sqlalchemy import select

    return list(
        session.scalars(
            select(MetricDefinition).where(MetricDefinition.key == key).order_by(MetricDefinition.version)
        )
    )


# --- API ----------------------------------------------------------------------------------------


@router.get("/api/v1/metrics/library", tags=["metrics"])
def library_api(actor: WorkshopActor) -> list[dict[str, Any]]:
    """The measures workshops choose from: definition, unit, direction, parameters and defaults."""
    return [m.describe() for m in MEASURES.values()]


@router.get("/api/v1/metrics", tags=["metrics"])
def metrics_api(
    session: DbSession, actor: MetricsActor, by: str = "org_unit", as_of: str | None = None
) -> list[dict[str, Any]]:
    """Values of the approved metric versions per unit (`by`: org_unit, department or organisation),
    with their explanation and library version; cells below k or that would reveal a small group by
    subtraction come back suppressed with a reason; a metric that cannot be computed (no survey yet)
    comes back with `computed` false and a note saying why."""
    grouping = "" if by == "organisation" else by
    return [p.as_dict() for p in dashboard(session, actor, by=grouping, as_of=_as_of(as_of))]
