"""The cards of each persona's home page: one small function per card, each asking one question.

A card appears when the charter opens its view to the actor's roles (and its page exists in this
build, for cards that link to one). Figures come from the services and the policy gateway like any
other page, so a card never shows a number its reader may not see: a suppressed figure says why in
place, and a card with nothing to show yet says what to do. Cards whose service reads nothing but
the charter or the actor's own navigation are links with the question they answer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.errors import PeopleAlignError
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter import CharterDocument
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.scope import Scope
from peoplealign.store.models import ImportRun

SURVEY_PURPOSE = "survey_reporting"


@dataclass(frozen=True)
class Card:
    """`value` with the `n` people it rests on and the `as_of` date; or `hidden` (why a figure is not
    shown) or `empty` (what to do before there is one)."""

    key: str
    question: str
    value: str | None = None
    n: int | None = None
    as_of: dt.date | None = None
    note: str | None = None
    hidden: str | None = None
    empty: str | None = None
    link: str | None = None
    link_label: str | None = None
    items: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class HomeContext:
    session: Session
    actor: Actor
    charter: CharterDocument
    views: frozenset[str]
    page_exists: Callable[[str], bool]
    scope: Scope

    def link(self, view: str, url: str) -> str | None:
        """The page for a view, when the actor may open it and this build serves it."""
        return url if view in self.views and self.page_exists(url) else None

    @cached_property
    def surveys(self) -> PersonalData:
        """One survey reader for the survey cards, so the latest survey is looked up once."""
        return PersonalData(self.session, self.actor, SURVEY_PURPOSE, self.charter)


CardProvider = Callable[[HomeContext], Card | None]


def _survey_card(ctx: HomeContext, metric: str, question: str, team_question: str, unit: str) -> Card | None:
    """A survey metric's total for the actor's scope: a manager's reporting line, otherwise the
    organisation (the town-hall figure every employee sees)."""
    reader = ctx.surveys
    title = team_question if ctx.scope is Scope.OWN_SUBTREE else question
    try:
        survey = reader.survey()
        cell = reader.survey_cells(metric).cells[0]  # the latest survey, as above
    except PeopleAlignError:
        return Card(metric, title, empty="No survey results yet: they appear here once a survey is imported.")
    as_of = survey.closed_on or survey.opened_on
    link = (
        ctx.link("town_hall", "/town-hall")
        if ctx.scope is Scope.SELF
        else ctx.link("listening", "/listening")
    )
    if cell.suppressed or cell.value is None or math.isnan(cell.value):
        return Card(
            metric,
            title,
            as_of=as_of,
            hidden=f"Hidden to protect anonymity: {cell.reason or 'too few people answered'}.",
            note=f"Survey {survey.name}.",
        )
    return Card(
        metric,
        title,
        value=f"{cell.value:+.0f}" if unit == "score" else f"{cell.value:.0f}%",
        n=cell.n,
        as_of=as_of,
        note=f"Survey {survey.name}.",
        link=link,
        link_label="See the breakdown" if link else None,
    )


def engagement(ctx: HomeContext) -> Card | None:
    return _survey_card(
        ctx,
        "engagement",
        "How engaged do people feel?",
        "How engaged does your team feel?",
        "percent",
    )


def enps(ctx: HomeContext) -> Card | None:
    return _survey_card(
        ctx,
        "enps",
        "Would people recommend working here?",
        "Would your team recommend working here?",
        "score",
    )


def north_star(ctx: HomeContext) -> Card | None:
    if not ({"alignment", "roi", "reports"} & ctx.views):
        return None
    objectives = sorted(ctx.charter.objectives, key=lambda o: o.priority)
    if not objectives:
        return Card(
            "north_star",
            "What are we aiming for?",
            empty="The charter names no North Star objectives yet: add them with peoplealign charter apply.",
        )
    items = []
    for objective in objectives:
        target = ""
        if objective.target_metric and objective.target_value is not None:
            bound = "at most" if objective.direction == "at_most" else "at least"
            when = f" by {objective.target_date:%d %b %Y}" if objective.target_date else ""
            target = (
                f" — {objective.target_metric.replace('_', ' ')} {bound} {objective.target_value:g}{when}"
            )
        items.append(f"{objective.name}{target}")
    link = ctx.link("alignment", "/alignment")
    return Card(
        "north_star",
        "What are we aiming for?",
        value=str(len(objectives)),
        note="North Star objectives in the charter, by priority.",
        items=items,
        link=link,
        link_label="How well does the employee voice match them?" if link else None,
    )


def imports(ctx: HomeContext) -> Card | None:
    """Import runs are metadata about files, not about people."""
    if "imports" not in ctx.views:
        return None
    runs, last = ctx.session.execute(select(func.count(ImportRun.id), func.max(ImportRun.finished_at))).one()
    if not runs:
        return Card(
            "imports",
            "When was our data last imported?",
            empty="Nothing imported yet: run peoplealign import KIND FILE (see peoplealign import --help).",
        )
    return Card(
        "imports",
        "When was our data last imported?",
        value=f"{last:%d %b %Y}" if last else "unfinished",
        note=f"{runs} import runs in all.",
        as_of=last.date() if last else None,
    )


def charter_in_force(ctx: HomeContext) -> Card | None:
    if "charter" not in ctx.views:
        return None
    charter = ctx.charter
    if charter.is_default:
        return Card(
            "charter",
            "Which charter governs our data?",
            value="the strict default",
            note="No charter has been approved yet: the strict default applies.",
            empty="Propose one with peoplealign charter apply; an executive approves it.",
        )
    return Card(
        "charter",
        "Which charter governs our data?",
        value=f"version {charter.version}",
        note=f"Aggregates need {charter.k_aggregate} people; quotes {charter.k_comments}.",
        link=ctx.link("ethics_statement", "/ethics"),
        link_label="Read what it promises",
    )


def _link_card(key: str, view: str, url: str, question: str, note: str, label: str) -> CardProvider:
    def card(ctx: HomeContext) -> Card | None:
        link = ctx.link(view, url)
        if link is None:
            return None
        return Card(key, question, note=note, link=link, link_label=label)

    card.__name__ = key
    return card


Count = tuple[int, dt.date | None]  # how many, and the date of the newest


def _count_card(
    key: str,
    view: str,
    url: str,
    question: str,
    note: str,
    label: str,
    count: Callable[[HomeContext], Count],
    empty: str,
) -> CardProvider:
    """A link card with the number of things waiting behind it, read by the page's own service
    (through the policy layer, audited); a service that refuses the actor leaves the link only."""

    def card(ctx: HomeContext) -> Card | None:
        link = ctx.link(view, url)
        if link is None:
            return None
        try:
            n, newest = count(ctx)
        except PeopleAlignError:
            return Card(key, question, note=note, link=link, link_label=label)
        if not n:
            return Card(key, question, empty=empty, link=link, link_label=label)
        return Card(key, question, value=f"{n:,}", as_of=newest, note=note, link=link, link_label=label)

    card.__name__ = key
    return card


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _queue(ctx: HomeContext) -> Count:
    from peoplealign.decisions.queue import queue_listing

    items = queue_listing(ctx.session, ctx.charter, ctx.actor)  # newest first
    return len(items), _day(items[0].created_at) if items else None


def _context_requests(ctx: HomeContext) -> Count:
    from peoplealign.metrics.anomalies import list_anomalies

    flags = list_anomalies(ctx.session, ctx.actor, status="open", charter=ctx.charter)
    return len(flags), max((f.week_start for f in flags), default=None)


def _coaching(ctx: HomeContext) -> Count:
    from peoplealign.metrics.coaching import stored_prompts

    prompts = [p for p in stored_prompts(ctx.session, ctx.actor) if p.status in ("open", "accepted")]
    return len(prompts), max((d for p in prompts if (d := _day(p.created_at))), default=None)


def _workshops(ctx: HomeContext) -> Count:
    from peoplealign.metrics.workshops import workshops_of

    open_ones = [w for w in workshops_of(ctx.session, ctx.actor) if w.status == "open"]
    return len(open_ones), max((d for w in open_ones if (d := _day(w.created_at))), default=None)


def _awaiting_review(ctx: HomeContext) -> Count:
    from peoplealign.policy.decision_access import decisions

    waiting = decisions(ctx.session, ctx.charter, ctx.actor, awaiting_me=True)
    return len(waiting), max((dt.date.fromisoformat(d.recorded_at[:10]) for d in waiting), default=None)


# The order cards appear in; each decides for itself whether the actor gets it.
CARDS: tuple[CardProvider, ...] = (
    north_star,
    engagement,
    enps,
    _count_card(
        "queue",
        "recommendation_queue",
        "/decisions/queue",
        "Which conversations are waiting for you?",
        "Stay interviews, development offers and workload rebalancing: suggested, never decided for anyone.",
        "Open the queue",
        _queue,
        "Nothing is waiting: new suggestions appear here when the analyses run.",
    ),
    _count_card(
        "context",
        "context_requests",
        "/context",
        "Which of your team's figures need your context?",
        "Flagged weeks in your team's work patterns: say what happened before anyone misreads them.",
        "Add context",
        _context_requests,
        "No flagged week is waiting for your context.",
    ),
    _count_card(
        "coaching",
        "coaching",
        "/coaching",
        "What could you talk about with your team?",
        "Prompts from team-level signals above the anonymity threshold; they never name anyone.",
        "See coaching prompts",
        _coaching,
        "No prompts right now: they appear when your team's signals change.",
    ),
    _count_card(
        "workshops",
        "workshops",
        "/workshops",
        "Which metrics are we deciding on together?",
        "Managers and individual contributors review the core metrics before any reaches a dashboard.",
        "See the workshops",
        _workshops,
        "No workshop is open for you right now.",
    ),
    _link_card(
        "check_ins",
        "check_ins",
        "/check-ins",
        "What did you agree in your last check-in?",
        "Notes, goals and feedback, private to you and your manager unless you share them.",
        "Open check-ins",
    ),
    _count_card(
        "decisions",
        "decisions",
        "/decisions",
        "Which career decisions wait for your review?",
        "Every hire, promotion, pay change and termination is decided by a named person with a rationale; "
        "one that names you as second reviewer has no effect until you confirm it.",
        "See decisions",
        _awaiting_review,
        "No decision waits for your review.",
    ),
    _link_card(
        "roi",
        "roi",
        "/roi",
        "What do our people initiatives save?",
        "Turnover cost and the avoided cost of initiatives, with their uncertainty.",
        "See People ROI",
    ),
    _link_card(
        "wellbeing",
        "reports",
        "/wellbeing",
        "Which teams work at a pace they cannot sustain?",
        "Efficiency against stress markers per team, for teams above the anonymity threshold.",
        "See well-being",
    ),
    imports,
    charter_in_force,
    _link_card(
        "town_hall",
        "town_hall",
        "/town-hall",
        "What does leadership see?",
        "The organisation-wide dashboards, with the same numbers and protections for everyone.",
        "Go to the town hall",
    ),
    _link_card(
        "my_data",
        "my_data",
        "/my-data",
        "What is held about you, and who looked at it?",
        "Your records, what is derived about you, the access log of your record and an export.",
        "See my data",
    ),
    _link_card(
        "ethics",
        "ethics_statement",
        "/ethics",
        "How is data about you used?",
        "The Data Ethics Statement, generated from the charter in force.",
        "Read the statement",
    ),
)


def cards_for(ctx: HomeContext, providers: Sequence[CardProvider] = CARDS) -> list[Card]:
    return [card for provider in providers if (card := provider(ctx)) is not None]
