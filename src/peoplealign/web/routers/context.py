"""Context requests (a manager explains flagged weeks of their teams) and coaching prompts, as pages
and as their API twins. The pages are thin: the flags, annotations and prompts come from `metrics`,
which reads through the policy layer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from peoplealign.errors import NotFoundError
from peoplealign.metrics.annotations import CATEGORIES, annotate, annotations_of_anomalies
from peoplealign.metrics.anomalies import episode_charts, episodes, list_anomalies
from peoplealign.metrics.coaching import coaching_prompts, stored_prompts
from peoplealign.policy.actor import Actor
from peoplealign.web.deps import CurrentActor, CurrentCharter, DbSession, require_view
from peoplealign.web.metric_charts import weekly_figure_json
from peoplealign.web.templating import render

router = APIRouter()

ContextActor = Annotated[Actor, Depends(require_view("context_requests"))]
CoachingActor = Annotated[Actor, Depends(require_view("coaching"))]
EXPLAINED_CHARTS = 5  # the latest explained episodes drawn with their context; the table lists all


@router.get("/context", name="context_requests", include_in_schema=False)
def context_page(
    request: Request,
    session: DbSession,
    actor: ContextActor,
    charter: CurrentCharter,
    saved: int | None = None,
) -> Response:
    flags = list_anomalies(session, actor, charter=charter)
    notes = annotations_of_anomalies(session, [f.id for f in flags])
    return render(
        request,
        "context.html",
        {
            "title": "Context requests",
            "requests": episodes([f for f in flags if f.status == "open"]),
            "explained": episodes([f for f in flags if f.status == "explained"])[:EXPLAINED_CHARTS],
            "answered": [(f, notes[f.id]) for f in flags if f.status != "open"],
            "categories": CATEGORIES,
            "saved": saved,
        },
    )


@router.get("/context/{anomaly_id}/series", name="context_series", include_in_schema=False)
def series_fragment(
    request: Request, session: DbSession, actor: ContextActor, charter: CurrentCharter, anomaly_id: int
) -> Response:
    """The weekly series behind one episode (the flags of its team in consecutive weeks, with the same
    status as this one), its flagged weeks and context: loaded after the page, because a weekly read
    through the policy layer costs seconds at 5,000 people and the page must not wait for it."""
    flags = list_anomalies(session, actor, charter=charter)
    chosen = next((f for f in flags if f.id == anomaly_id), None)
    if chosen is None:
        raise NotFoundError(f"no flag {anomaly_id} among the flags you may read")
    episode = next(e for e in episodes([f for f in flags if f.status == chosen.status]) if chosen in e.flags)
    charts = [
        {"chart": chart, "figure": figure}
        for chart in episode_charts(session, actor, [episode], charter=charter)
        if (
            figure := weekly_figure_json(
                chart.series,
                [episode.first.org_unit_id],
                chart.notes,
                title=chart.label,
                flagged=chart.flagged,
            )
        )
        is not None
    ]
    return render(request, "_context_series.html", {"charts": charts, "categories": CATEGORIES})


@router.post("/context/{anomaly_id}", include_in_schema=False)
def add_context(
    session: DbSession,
    actor: ContextActor,
    charter: CurrentCharter,
    anomaly_id: int,
    text: Annotated[str, Form()],
    category: Annotated[str, Form()],
    start: Annotated[dt.date | None, Form()] = None,
    end: Annotated[dt.date | None, Form()] = None,
    all_signals: Annotated[bool, Form()] = False,
    exclude_from_models: Annotated[bool, Form()] = False,
) -> Response:
    done = annotate(
        session,
        actor,
        text=text,
        category=category,
        anomaly_id=anomaly_id,
        metric_key="*" if all_signals else None,
        start=start,
        end=end,
        exclude_from_models=exclude_from_models,
        charter=charter,
    )
    return RedirectResponse(f"/context?saved={len(done.explained)}#answered", status_code=303)


@router.get("/coaching", name="coaching", include_in_schema=False)
def coaching_page(request: Request, session: DbSession, actor: CoachingActor) -> Response:
    return render(
        request, "coaching.html", {"title": "Coaching prompts", "prompts": stored_prompts(session, actor)}
    )


# --- API ----------------------------------------------------------------------------------------


class AnnotationIn(BaseModel):
    text: str = Field(description="What happened, in plain words; names and contact details are redacted.")
    category: str = Field(description=", ".join(CATEGORIES))
    start: dt.date | None = Field(None, description="Start of the window (default: the flagged week).")
    end: dt.date | None = Field(None, description="End of the window (default: the flagged week's end).")
    signal: str | None = Field(None, description="The signal, or * for every signal (default: the flag's).")
    exclude_from_models: bool = True


@router.get("/api/v1/anomalies", tags=["context"])
def anomalies_api(
    session: DbSession,
    actor: CurrentActor,
    charter: CurrentCharter,
    status: Annotated[str | None, Query(description="open | explained | dismissed")] = None,
) -> list[dict[str, Any]]:
    """Flags on the weekly work patterns of the teams you may see (a manager: the teams they answer
    for), each with its explanation, model version and the context people added."""
    flags = list_anomalies(session, actor, status=status, charter=charter)
    notes = annotations_of_anomalies(session, [f.id for f in flags])
    return [{**f.as_dict(), "annotations": [a.as_dict() for a in notes[f.id]]} for f in flags]


@router.post("/api/v1/anomalies/{anomaly_id}/annotations", tags=["context"], status_code=201)
def annotate_api(
    session: DbSession, actor: CurrentActor, charter: CurrentCharter, anomaly_id: int, body: AnnotationIn
) -> dict[str, Any]:
    """Add context to a flag: managers for the teams they answer for, analysts for any team. The
    flags of the team inside the window (of the signal, or of every signal) become explained."""
    done = annotate(
        session,
        actor,
        text=body.text,
        category=body.category,
        anomaly_id=anomaly_id,
        metric_key=body.signal,
        start=body.start,
        end=body.end,
        exclude_from_models=body.exclude_from_models,
        charter=charter,
    )
    return {**done.annotation.as_dict(), "explained_anomalies": done.explained}


@router.get("/api/v1/coaching/prompts", tags=["context"])
def coaching_api(
    session: DbSession,
    actor: CurrentActor,
    as_of: Annotated[dt.date | None, Query(description="The day to look back from (default: today).")] = None,
) -> list[dict[str, Any]]:
    """Coaching prompts computed now for the teams you may see, each with its evidence and rule."""
    return [p.as_dict() for p in coaching_prompts(session, actor, as_of)]
