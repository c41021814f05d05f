"""The unattended part of team signals: detection and coaching publication, as `peoplealign up`
runs them, each once (the audit trail says whether it already ran)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from peoplealign.metrics.anomalies import DETECT_ACTION, detect_anomalies
from peoplealign.metrics.coaching import PUBLISH_ACTION, publish_coaching
from peoplealign.store.models import AuditEvent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peoplealign.policy.actor import Actor


@dataclass(frozen=True)
class SignalJobs:
    flags: int | None  # new flags, None when detection had already run
    prompts: int | None  # new coaching recommendations, None when already published


def _has_run(session: Session, action: str) -> bool:
    found = select(AuditEvent.id).where(AuditEvent.action == action, AuditEvent.outcome == "changed")
    return session.scalar(found.limit(1)) is not None


def run_signal_jobs(session: Session, actor: Actor) -> SignalJobs:
    """Flags first, so the context requests exist before anyone signs in; then the prompts."""
    flags = None if _has_run(session, DETECT_ACTION) else len(detect_anomalies(session, actor).created)
    prompts = None if _has_run(session, PUBLISH_ACTION) else len(publish_coaching(session, actor))
    return SignalJobs(flags, prompts)
