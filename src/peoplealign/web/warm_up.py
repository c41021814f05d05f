"""Compute the organisation-wide dashboards in the background when the data changes, so that the
first visitor after a start or an import does not wait seconds for what every later one gets from
the cache (`policy.snapshots`, keyed by the data version).

The warm-up reads like any other reader: as the system actor (organisation scope), through the same
services and policy doors, each read authorised and audited as `system:warm-up`. It discards what it
reads; what stays is what every organisation-scope reader would compute anyway, and the populations
and anonymity decisions that managers' and employees' views are cut from. It runs as a scheduled job
(`web.scheduled_jobs`) right after start-up and then checks every few minutes whether the data
version moved, doing nothing (and auditing nothing) while it has not.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from peoplealign.alignment.organisation import organisation_overview
from peoplealign.decisions.town_hall import town_hall
from peoplealign.errors import PeopleAlignError
from peoplealign.insights import wellbeing
from peoplealign.metrics.dashboard import dashboard_view
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import CharterDocument, active_charter
from peoplealign.policy.data_version import data_version
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.web.scheduled_jobs import ScheduledJob

logger = logging.getLogger("uvicorn.error")

WARM_UP_JOB = "warm-up"
CHECK_INTERVAL_SECONDS = 300.0

Warmer = Callable[[Session, Actor, CharterDocument], object]

# The pages whose organisation-wide figures cost seconds at 5,000 people and that the charter opens
# to the system actor's audience (ROI, an executive's view, is not: its refusal would only be noise).
WARMERS: dict[str, Warmer] = {
    "home": organisation_overview,
    "town hall": lambda session, actor, charter: town_hall(session, charter, actor),
    "well-being": lambda session, actor, _: wellbeing.wellbeing_balance(
        WorkforceData(session, actor, wellbeing.WELLBEING_PURPOSE)
    ),
    "metrics": lambda session, actor, _: dashboard_view(session, actor, as_of=dt.date.today()),
}


def warm_up(sessions: sessionmaker[Session], last: list[str]) -> None:
    """One pass, unless the data version is the one `last` holds (the previous pass's)."""
    actor = Actor.system(WARM_UP_JOB)
    with sessions() as session:
        version = data_version(session)
        if last and last[0] == version:
            return
        charter = active_charter(session)
    for page, warmer in WARMERS.items():
        started = time.perf_counter()
        with sessions() as session:
            try:
                warmer(session, actor, charter)
            except PeopleAlignError as refused:
                logger.info("warm-up: %s skipped (%s)", page, refused)
                session.commit()  # the refusal stays in the audit trail
                continue
            session.commit()
        logger.info("warm-up: %s in %.1f s", page, time.perf_counter() - started)
    last[:] = [version]


def warm_up_job(sessions: sessionmaker[Session]) -> ScheduledJob:
    last: list[str] = []
    return ScheduledJob(WARM_UP_JOB, lambda: warm_up(sessions, last), 0.0, CHECK_INTERVAL_SECONDS)
