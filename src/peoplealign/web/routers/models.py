"""Model cards page and its API twin (the charter's `models` view): every model version, what it was
trained on, how good and how fair it is, whether it is in use and why. Cards hold no personal data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from peoplealign.insights.model_card import card_summary
from peoplealign.policy.actor import Actor
from peoplealign.store.models import ModelCard
from peoplealign.web.deps import DbSession, require_view
from peoplealign.web.templating import render

router = APIRouter()

MODELS_VIEW = "models"
ModelsActor = Annotated[Actor, Depends(require_view(MODELS_VIEW))]


def _cards(session: DbSession) -> list[dict[str, Any]]:
    rows = session.scalars(select(ModelCard).order_by(ModelCard.model_name, ModelCard.id.desc())).all()
    return [card_summary(row) for row in rows]


@router.get("/models", name="models", include_in_schema=False)
def models_page(request: Request, session: DbSession, actor: ModelsActor) -> Response:
    return render(request, "models.html", {"title": "Model cards", "cards": _cards(session)})


@router.get("/api/v1/models", tags=["insights"])
def models_api(session: DbSession, actor: ModelsActor) -> dict[str, Any]:
    """Every model version's card: data, features, quality, fairness audit and gate, override,
    intended and prohibited uses, limitations. Refused unless the charter opens `models` to you."""
    return {"cards": _cards(session)}
