"""Compute the organisation-wide dashboards in the background when the data changes, so that the
first visitor after a start, an import or a write does not wait seconds for what every later one
gets from the cache (`policy.snapshots`, kept while the tables a computation read are unchanged).

The warm-up reads like any other reader: as the system actor (organisation scope), through the same
services and policy doors, each read authorised and audited as `system:warm-up`. It discards what it
reads; what stays is what every organisation-scope reader would compute anyway, and the populations
and anonymity decisions that managers' and employees' views are cut from. It runs as a scheduled job
(`web.scheduled_jobs`) right after start-up and then checks every few seconds whether a table a
page read has changed, warming only those pages and doing nothing (and auditing nothing) otherwise.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from peoplealign.alignment.organisation import organisation_overview
from peoplealign.decisions.town_hall import town_hall
from peoplealign.errors import PeopleAlignError
from peoplealign.insights import wellbeing
from peoplealign.listening.alignment_gap import LISTENING_PURPOSE
from peoplealign.metrics.dashboard import dashboard_view
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import CharterDocument, active_charter
from peoplealign.policy.data_version import Versions, reads, versions
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.web.routers.listening import (
    SURVEY_PURPOSE,
    alignment_context,
    survey_context,
    themes_context,
    topics_context,
)
from peoplealign.web.scheduled_jobs import ScheduledJob

logger = logging.getLogger("uvicorn.error")

WARM_UP_JOB = "warm-up"
PASS_DONE = "warm-up: done"  # what the log says after a pass that warmed something
CHECK_INTERVAL_SECONDS = 15.0  # a check is one statement of index look-ups, about a millisecond

Warmer = Callable[[Session, Actor, CharterDocument], object]

# The pages whose organisation-wide figures cost seconds at 5,000 people and that the charter opens
# to the system actor's audience (ROI, an executive's view, is not: its refusal would only be noise).
# The listening pages are warmed as their default view computes them (latest survey, the page's
# default grouping), so the first reader's cache keys are the ones warmed; emerging topics too (the
# latest survey, no breakdown), which also loads the scoring model once for the process.
WARMERS: dict[str, Warmer] = {
    "home": organisation_overview,
    "town hall": lambda session, actor, charter: town_hall(session, charter, actor),
    "well-being": lambda session, actor, _: wellbeing.wellbeing_balance(
        WorkforceData(session, actor, wellbeing.WELLBEING_PURPOSE)
    ),
    "metrics": lambda session, actor, _: dashboard_view(session, actor, as_of=dt.date.today()),
    "listening themes": lambda session, actor, charter: themes_context(
        PersonalData(session, actor, LISTENING_PURPOSE, charter), None, "department"
    ),
    "survey results": lambda session, actor, charter: survey_context(
        PersonalData(session, actor, SURVEY_PURPOSE, charter), None, "org_unit"
    ),
    "emerging topics": lambda session, actor, charter: topics_context(
        PersonalData(session, actor, LISTENING_PURPOSE, charter), None
    ),
    "alignment": lambda session, actor, _: alignment_context(session, actor, None),
}


@dataclass
class Warmed:
    """Per page, what its last pass read and the version of that: a page is warmed again only when
    one of its tables changed, so a check-in re-reads the well-being figures, not the town hall."""

    pages: dict[str, tuple[frozenset[str], Hashable]] = field(default_factory=dict)

    def due(self, page: str, now: Versions) -> bool:
        last = self.pages.get(page)
        return last is None or last[1] != now.of(last[0])


def warm_up(sessions: sessionmaker[Session], warmed: Warmed) -> None:
    """One pass over the pages whose data changed since `warmed` was noted (all of them at first)."""
    actor = Actor.system(WARM_UP_JOB)
    with sessions() as session:
        now = versions(session)
        due = [page for page in WARMERS if warmed.due(page, now)]
        if not due:
            return
        charter = active_charter(session)
    for page in due:
        started = time.perf_counter()
        with sessions() as session:
            # As a page's reads do: the audit chain is taken at commit, not held for the seconds a
            # warmer computes while every page view in this process waits to append its own events.
            audit.defer_until_commit(session)
            seen = versions(session)
            try:
                WARMERS[page](session, actor, charter)
                logger.info("warm-up: %s in %.1f s", page, time.perf_counter() - started)
            except PeopleAlignError as refused:
                logger.info("warm-up: %s skipped (%s)", page, refused)
            read = reads(session)
            session.commit()  # a refusal stays in the audit trail too
        warmed.pages[page] = (read, seen.of(read))
    frozen = settle_heap()
    logger.info("%s, %d objects moved out of the garbage collector's way", PASS_DONE, frozen)


def settle_heap() -> int:
    """Freeze what the caches now hold, so the cyclic garbage collector stops walking it.

    At 5,000 people the caches hold some 440,000 objects. A full collection walks all of them with
    every request thread stopped, and concurrent page views, whose objects outlive the young
    generations while requests overlap, set one off every few dozen requests. Frozen objects are still
    freed by reference counting when a new data version drops them; unfreezing first lets this
    collection reclaim the cycles the previous caches left. Returns how many objects are frozen."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def warm_up_job(sessions: sessionmaker[Session]) -> ScheduledJob:
    warmed = Warmed()
    return ScheduledJob(WARM_UP_JOB, lambda: warm_up(sessions, warmed), 0.0, CHECK_INTERVAL_SECONDS)
