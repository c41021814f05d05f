"""Putting an insight in the human queue: one recommendation per finding, however often the analysis
runs.

An analysis that runs nightly must not flood the queue, and a person who dismissed a suggestion must
not see it come back the next morning: a finding is identified by a stable `key` (e.g. the skill and
unit of a gap), and while any recommendation with that key exists no other is created. An open one
is refreshed with the latest explanation and evidence; an acted-on one is left as the human left it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.store.models import Recommendation

KEY_FIELD = "finding"


@dataclass(frozen=True)
class Proposal:
    """A recommendation an analysis wants a human to consider."""

    kind: str
    key: str
    title: str
    explanation: str
    evidence: dict[str, Any]
    model_version: str
    org_unit_id: int | None = None
    assigned_role: str = "hr_partner"
    subject_person_id: int | None = None


def propose(session: Session, actor: Actor, proposals: list[Proposal]) -> list[Recommendation]:
    """Create the recommendations not yet in the queue, refresh open ones; audited as one change."""
    kinds = sorted({p.kind for p in proposals})
    existing = {
        (r.kind, (r.evidence or {}).get(KEY_FIELD)): r
        for r in session.scalars(select(Recommendation).where(Recommendation.kind.in_(kinds)))
    }
    created, refreshed, rows = [], [], []
    for proposal in proposals:
        evidence = {**proposal.evidence, KEY_FIELD: proposal.key}
        row = existing.get((proposal.kind, proposal.key))
        if row is None:
            row = Recommendation(
                kind=proposal.kind,
                org_unit_id=proposal.org_unit_id,
                subject_person_id=proposal.subject_person_id,
                title=proposal.title,
                explanation=proposal.explanation,
                evidence=evidence,
                model_version=proposal.model_version,
                assigned_role=proposal.assigned_role,
            )
            session.add(row)
            created.append(proposal.key)
        elif row.status == "open":
            row.title, row.explanation = proposal.title, proposal.explanation
            row.evidence, row.model_version = evidence, proposal.model_version
            refreshed.append(proposal.key)
        rows.append(row)
    session.flush()
    if created or refreshed:
        audit.record(
            session,
            actor,
            "propose_recommendations",
            "recommendation",
            outcome="changed",
            detail={"kinds": kinds, "created": created, "refreshed": refreshed},
        )
    return rows
