"""Make a database ready for a first look: the demo organisation, an approved charter and the
analyses that exist, each step skipped when it is already done so `peoplealign up` can be re-run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.accounts.roles import ALL_ROLES
from peoplealign.demo.conversations import seed_conversations
from peoplealign.demo.generate import generate_demo
from peoplealign.demo.metric_workshop import run_demo_workshop
from peoplealign.demo.names import EMAIL_DOMAIN
from peoplealign.demo.risk_step import train_demo_flight_risk
from peoplealign.demo.stories import SETTING_KEY
from peoplealign.demo.users import DEMO_PASSWORD, role_user
from peoplealign.insights.proposals import propose_insight_recommendations
from peoplealign.listening.ingest import ingest_comments
from peoplealign.listening.scorer import CommentScorer
from peoplealign.metrics.signal_jobs import run_signal_jobs
from peoplealign.policy import audit, charter_store
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import default_yaml
from peoplealign.policy.data_version import data_version
from peoplealign.policy.readiness import Finding, assess
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AppSetting, Charter, Person

Progress = Callable[[str], None]
ANALYSED_KEY = "demo_analysed"
PROPOSALS = "proposing development and rebalancing recommendations"

APPROVAL_NOTE = (
    "Demo organisation: the strict default charter, approved by the demo executive so that every "
    "read of the demo data is governed by it."
)


@dataclass
class SiteReport:
    """What `prepare_demo_site` did and found, for the person who ran it."""

    created_demo: bool
    is_demo: bool
    approved_charter_version: int | None
    active_people: int
    readiness_findings: list[Finding] = field(default_factory=list)
    audit_chain_ok: bool = True
    audit_events: int = 0
    role_logins: list[str] = field(default_factory=list)
    password: str | None = None
    comments_scored: int = 0
    recommendations: int = 0


def _demo_role_emails() -> list[str]:
    return [f"{role}@{EMAIL_DOMAIN}" for role in ALL_ROLES]


def prepare_demo_site(url: str, employees: int, seed: int, progress: Progress) -> SiteReport:
    """An empty database gets the demo organisation; a demo without a charter in force gets the
    default one, proposed by the demo analyst and approved by the demo executive. A database of real
    people is never touched beyond running the analyses (comment scoring stores its scores)."""
    with session_scope(url) as session:
        people = session.scalar(select(func.count()).select_from(Person)) or 0
    created = people == 0
    if created:
        progress(f"building the demo organisation ({employees} employees, seed {seed})")
        generate_demo(url, employees=employees, seed=seed, progress=progress)
    with session_scope(url) as session:
        is_demo = session.get(AppSetting, SETTING_KEY) is not None
        approved = _approve_default_charter(session) if is_demo else None
        progress("running the readiness audit")
        charter = charter_store.active_charter(session)
        readiness = assess(session, charter.k_aggregate, today=dt.date.today())
        audit.record(
            session,
            Actor.system("up"),
            "read_aggregate",
            "readiness",
            purpose="administration",
            detail={"findings": len(readiness.findings)},
        )
    with session_scope(url) as session:
        progress("scoring comments not yet scored by the current model")
        scored = ingest_comments(session, CommentScorer()).scored
    steps: dict[str, Callable[[Session], object]] = {
        "training the flight-risk model (stay interviews for the HR partner)": train_demo_flight_risk,
        "agreeing on the demo's core KPIs in a metric workshop": run_demo_workshop,
        PROPOSALS: lambda session: propose_insight_recommendations(session, Actor.system("up")),
        "flagging unusual team weeks for context and publishing coaching prompts": lambda session: (
            run_signal_jobs(session, Actor.system("up"))
        ),
        "adding the demo's check-ins and town-hall stories": seed_conversations,
    }
    recommended = 0
    if is_demo:
        with session_scope(url) as session:
            done = _analysed(session)
        for label, run in steps.items():
            if label in done:
                continue
            progress(label)
            with session_scope(url) as session:
                result = run(session)
            if label == PROPOSALS:
                recommended = cast(int, result)
        with session_scope(url) as session:
            _record_analysed(session, list(steps))
    with session_scope(url) as session:
        chain = audit.verify(session)
    emails = _demo_role_emails() if is_demo else []
    return SiteReport(
        created_demo=created,
        is_demo=is_demo,
        approved_charter_version=approved,
        active_people=readiness.active_people,
        readiness_findings=readiness.findings,
        audit_chain_ok=chain.ok,
        audit_events=chain.events_checked,
        role_logins=emails,
        password=DEMO_PASSWORD if is_demo else None,
        comments_scored=scored,
        recommendations=recommended,
    )


def _analysed(session: Session) -> set[str]:
    """The steps already run today on exactly this data: each is idempotent, so running it again
    changes nothing, yet at 5,000 people the proposals take a minute on every `up`. A step added since
    (a new analysis) is not among them and runs; a new day or new data runs them all."""
    setting = session.get(AppSetting, ANALYSED_KEY)
    if setting is None or setting.value.get("as_of") != _analysed_as_of(session):
        return set()
    return set(setting.value.get("steps", []))


def _analysed_as_of(session: Session) -> dict[str, str]:
    return {"data_version": data_version(session), "day": dt.date.today().isoformat()}


def _record_analysed(session: Session, steps: list[str]) -> None:
    value = {"as_of": _analysed_as_of(session), "steps": steps}
    setting = session.get(AppSetting, ANALYSED_KEY)
    if setting is None:
        session.add(AppSetting(key=ANALYSED_KEY, value=value))
    else:
        setting.value = value


def _approve_default_charter(session: Session) -> int | None:
    if session.scalar(select(Charter.id).where(Charter.status == "active")) is not None:
        return None
    analyst, executive = (role_user(session, role) for role in ("analyst", "executive"))
    if analyst is None or executive is None:
        return None
    draft = charter_store.apply(session, default_yaml(), Actor.from_user(analyst), "default_charter.yaml")
    charter_store.approve(session, draft.version, Actor.from_user(executive), APPROVAL_NOTE)
    return draft.version
