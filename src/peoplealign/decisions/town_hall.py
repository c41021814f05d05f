"""The town hall: the organisation-level dashboards executives read, published to every employee.

Every figure is read through the policy gateway by the person looking, as the organisation-wide
audience (`policy.town_hall_access`), with the same calls an executive's own reports make (totals per
survey cycle, favourability per driver, headcount per department, theme voice), so the same
suppression applies and the numbers are the same for everyone, a manager included. A chart whose
data the charter does not share with the viewer's roles (by default, comment themes are not
aggregated for the employee audience) says so instead of being left out silently, and is checked
before any read so looking at the page does not fill the audit trail with refusals.

Beside each chart, employees add the human story behind the numbers or ask a question, anonymously:
no author is stored, the time is kept to the day, the text is redacted before storage, and nothing
links the post to the request that made it (no audit event either: an event naming the writer would
undo the anonymity). A chart's posts appear together once at least `k_comments` different people have
written there, the charter's threshold for quoting what people wrote: each post keeps only a keyed
pseudonym of its writer on that chart (`policy.pseudonyms`), so one person posting ten times counts
once. Leaders (executives) answer published posts publicly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from peoplealign.listening.survey_analytics import favourability
from peoplealign.listening.theme_report import cycles_up_to
from peoplealign.policy import audit
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import Cell
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.engine import Action, authorize
from peoplealign.policy.gateway import PersonalData
from peoplealign.policy.pseudonyms import writer_key
from peoplealign.policy.text_intake import redacted_text
from peoplealign.policy.town_hall_access import TownHallData
from peoplealign.store.models import TownHallPost

HEADCOUNT_PURPOSE = "org_reporting"
SURVEY_PURPOSE = "survey_reporting"
POST_KINDS = ("story", "question")
LEADER_ROLE = "executive"


@dataclass(frozen=True)
class Point:
    label: str
    n: int | None
    value: float | None
    suppressed: bool
    reason: str | None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, label: str, cell: Cell) -> Point:
        return cls(label, cell.n, cell.value, cell.suppressed, cell.reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "n": self.n,
            "value": self.value,
            "suppressed": self.suppressed,
            "reason": self.reason,
            **self.extra,
        }


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: str
    description: str
    unit: str
    source: str
    purpose: str


@dataclass(frozen=True)
class Chart:
    spec: ChartSpec
    points: list[Point]
    unavailable: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.spec.key,
            "title": self.spec.title,
            "description": self.spec.description,
            "unit": self.spec.unit,
            "points": [p.as_dict() for p in self.points],
            "unavailable": self.unavailable,
        }


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "headcount",
        "People by department",
        "Active people in each department today: the organisation's structure, exact for every department.",
        "people",
        "hris",
        HEADCOUNT_PURPOSE,
    ),
    ChartSpec(
        "engagement",
        "Engagement, survey by survey",
        "Share of favourable answers to the engagement items, organisation-wide, in each survey cycle.",
        "% favourable",
        "survey",
        SURVEY_PURPOSE,
    ),
    ChartSpec(
        "enps",
        "Employee Net Promoter Score, survey by survey",
        "Promoters minus detractors, organisation-wide, in each survey cycle (from -100 to 100).",
        "eNPS",
        "survey",
        SURVEY_PURPOSE,
    ),
    ChartSpec(
        "drivers",
        "What drives engagement, latest survey",
        "Share of favourable answers per driver, organisation-wide, in the latest survey.",
        "% favourable",
        "survey",
        SURVEY_PURPOSE,
    ),
    ChartSpec(
        "themes",
        "What people talk about, latest survey",
        "Share of themed comments per theme and their mean tone (from -1 to 1), organisation-wide.",
        "% of comments",
        "comments",
        SURVEY_PURPOSE,
    ),
)
CHART_KEYS = tuple(c.key for c in CHARTS)


@dataclass(frozen=True)
class TownHall:
    k: int
    charts: list[Chart]

    def as_dict(self) -> dict[str, Any]:
        return {"k": self.k, "charts": [c.as_dict() for c in self.charts]}


def _headcount(reader: PersonalData, today: dt.date) -> list[Point]:
    report = reader.headcount(["department"], as_of=today, town_hall=True)
    cells = sorted(report.cells, key=lambda c: str(c.group.get("department")))
    return [Point.of(str(c.group.get("department")), c) for c in cells]


def _per_cycle(metric: str) -> Callable[[PersonalData, dt.date], list[Point]]:
    def read(reader: PersonalData, _today: dt.date) -> list[Point]:
        points = []
        for survey in cycles_up_to(reader, reader.survey()):
            try:
                cell = reader.survey_cells(metric, (), survey_id=survey.id).cells[0]
            except NotFoundError:  # a cycle without these items has nothing to show
                continue
            points.append(Point.of(survey.name, cell))
        return points

    return read


def _drivers(reader: PersonalData, _today: dt.date) -> list[Point]:
    return [Point.of(driver, report.cells[0]) for driver, report in favourability(reader).items()]


def _themes(reader: PersonalData, _today: dt.date) -> list[Point]:
    points = []
    for theme, voice in sorted(reader.comment_themes().items()):
        share = None if voice.share is None else round(100 * voice.share, 1)
        points.append(
            Point(theme, voice.n, share, voice.suppressed, voice.reason, {"sentiment": voice.sentiment})
        )
    return points


READERS: dict[str, Callable[[PersonalData, dt.date], list[Point]]] = {
    "headcount": _headcount,
    "engagement": _per_cycle("engagement"),
    "enps": _per_cycle("enps"),
    "drivers": _drivers,
    "themes": _themes,
}


def town_hall(
    session: Session, charter: CharterDocument, actor: Actor, today: dt.date | None = None
) -> TownHall:
    """Every chart as this actor may see it, each read through the gateway and audited."""
    day = today or dt.date.today()
    readers: dict[str, PersonalData] = {}
    charts = []
    for spec in CHARTS:
        decision = authorize(charter, actor, Action.READ_AGGREGATE, spec.source, spec.purpose)
        if not decision.allowed:
            charts.append(
                Chart(spec, [], f"The charter does not share this with your role: {decision.reason}.")
            )
            continue
        reader = readers.setdefault(spec.purpose, TownHallData(session, actor, spec.purpose, charter))
        try:
            charts.append(Chart(spec, READERS[spec.key](reader, day)))
        except NotFoundError as exc:
            charts.append(Chart(spec, [], f"Nothing to show yet: {exc}."))
    return TownHall(charter.k_aggregate, charts)


# --- stories and questions ------------------------------------------------------------------------


@dataclass(frozen=True)
class PostView:
    id: int
    kind: str
    text: str
    posted_on: dt.date
    answer: str | None
    answered_on: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "posted_on": self.posted_on.isoformat(),
            "answer": self.answer,
            "answered_on": self.answered_on.isoformat() if self.answered_on else None,
        }


@dataclass(frozen=True)
class ChartPosts:
    chart: str
    k: int
    count: int
    writers: int
    published: list[PostView]

    @property
    def waiting(self) -> int:
        """Posts held back until k different people have written on the chart."""
        return 0 if self.published else self.count

    def as_dict(self) -> dict[str, Any]:
        return {
            "chart": self.chart,
            "k": self.k,
            "count": self.count,
            "writers": self.writers,
            "waiting": self.waiting,
            "published": [p.as_dict() for p in self.published],
        }


def _check_chart(chart_key: str) -> None:
    if chart_key not in CHART_KEYS:
        raise InvalidInputError(f"unknown chart {chart_key!r}; expected one of {', '.join(CHART_KEYS)}")


def submit_post(
    session: Session, charter: CharterDocument, actor: Actor, chart_key: str, kind: str, text: str
) -> ChartPosts:
    """Store an anonymous story or question (redacted); returns the chart's posts as they now stand."""
    _check_chart(chart_key)
    if kind not in POST_KINDS:
        raise InvalidInputError(f"unknown post kind {kind!r}; expected story or question")
    if "town_hall" not in charter.views_for(actor.roles) or actor.is_system:
        raise PermissionDeniedError("only people the charter gives the town hall view can post there")
    day = dt.datetime.now(dt.UTC).date()
    session.add(
        TownHallPost(
            chart_key=chart_key,
            kind=kind,
            topic=chart_key,
            writer_key=writer_key(session, actor, chart_key),
            text_redacted=redacted_text(session, text, what="your story or question"),
            created_at=dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC),
        )
    )
    session.flush()
    return chart_posts(session, charter)[chart_key]


def chart_posts(session: Session, charter: CharterDocument) -> dict[str, ChartPosts]:
    """Per chart: how many posts there are and, once at least k_comments different people wrote
    them, all of them. Posts without a writer pseudonym count for no writer."""
    k = charter.k_comments
    counts = {
        chart: (int(posts), int(writers))
        for chart, posts, writers in session.execute(
            select(
                TownHallPost.chart_key, func.count(), func.count(func.distinct(TownHallPost.writer_key))
            ).group_by(TownHallPost.chart_key)
        ).tuples()
    }
    found = {}
    for key in CHART_KEYS:
        count, writers = counts.get(key, (0, 0))
        published: list[PostView] = []
        if writers >= k:
            rows = session.scalars(
                select(TownHallPost).where(TownHallPost.chart_key == key).order_by(TownHallPost.id)
            )
            published = [
                PostView(
                    r.id,
                    r.kind,
                    r.text_redacted,
                    r.created_at.date(),
                    r.answer,
                    r.answered_at.date() if r.answered_at else None,
                )
                for r in rows
            ]
        found[key] = ChartPosts(key, k, count, writers, published)
    return found


def town_hall_with_posts(
    session: Session, charter: CharterDocument, actor: Actor, today: dt.date | None = None
) -> dict[str, Any]:
    """The charts and, per chart, its posts: what the page, the API and `peoplealign townhall show`
    all publish, to people the charter gives the town hall view."""
    if "town_hall" not in charter.views_for(actor.roles):
        raise PermissionDeniedError("the People Alignment Charter does not give your roles the town hall")
    return {
        **town_hall(session, charter, actor, today).as_dict(),
        "posts": {key: p.as_dict() for key, p in chart_posts(session, charter).items()},
    }


def answer_post(
    session: Session, charter: CharterDocument, actor: Actor, post_id: int, answer: str
) -> PostView:
    """A leader's public answer to a published post."""
    if not actor.has_role(LEADER_ROLE) or actor.is_system:
        raise PermissionDeniedError("only leaders (the executive role) answer town-hall posts")
    post = session.get(TownHallPost, post_id)
    if post is None:
        raise NotFoundError(f"no town-hall post with id {post_id}")
    if not chart_posts(session, charter)[post.chart_key].published:
        raise InvalidInputError(
            f"the posts on {post.chart_key} are not published yet (fewer than {charter.k_comments} "
            "different people have written there)"
        )
    text = (answer or "").strip()
    if not text:
        raise InvalidInputError("an answer must not be empty")
    post.answer = text
    post.answered_by_user_id = actor.user_id
    post.answered_at = dt.datetime.now(dt.UTC)
    session.flush()
    audit.record(
        session,
        actor,
        "town_hall.answer",
        "town_hall",
        purpose="org_reporting",
        outcome="changed",
        detail={"post": post.id, "chart": post.chart_key},
    )
    return PostView(
        post.id, post.kind, post.text_redacted, post.created_at.date(), post.answer, post.answered_at.date()
    )
