"""The listening pages (themes with quotes, emerging topics, survey heatmap and drivers) and the
alignment matrix, with their JSON twins under /api/v1. Pages and API call the same service functions
through the same policy layer; the charter's `listening` and `alignment` views decide who opens them."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.listening.alignment_gap import LISTENING_PURPOSE, alignment_report
from peoplealign.listening.drivers import driver_analysis
from peoplealign.listening.survey_analytics import heatmap
from peoplealign.listening.theme_report import theme_quotes, theme_report
from peoplealign.listening.topics import emerging_topics
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import parse_breakdown
from peoplealign.policy.comment_access import QuoteRelease, comment_corpus
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.models import Survey
from peoplealign.web import listening_charts as charts
from peoplealign.web.deps import DbSession, require_view
from peoplealign.web.paging import paginate
from peoplealign.web.templating import render

if TYPE_CHECKING:
    from peoplealign.listening.scorer import CommentScorer

router = APIRouter()

ListeningActor = Annotated[Actor, Depends(require_view("listening"))]
AlignmentActor = Annotated[Actor, Depends(require_view("alignment"))]
SurveyQuery = Annotated[str | None, Query(description="Survey id or code (default: the latest).")]
GROUP_DIMENSIONS = ("department", "org_unit")
SURVEY_PURPOSE = "survey_reporting"
THEME_QUOTES = 3


@functools.lru_cache(maxsize=1)
def _scorer() -> CommentScorer:
    """The shipped model, loaded once per process: it only changes with a new release."""
    from peoplealign.listening.scorer import CommentScorer

    return CommentScorer()


def _group_dimension(by: str | None) -> str:
    if by not in GROUP_DIMENSIONS:
        raise InvalidInputError(f"group by one of {', '.join(GROUP_DIMENSIONS)}, not {by!r}")
    return by


def survey_caption(survey: Survey, n: int | None, counted: str) -> str:
    """The n and date line under every chart."""
    when = survey.closed_on or survey.opened_on
    date = f", closed {when:%d %b %Y}" if when else ""
    people = f"n = {n:,} {counted} · " if n is not None else ""
    return f"{people}{survey.name} ({survey.code}{date})"


def _page(request: Request, template: str, title: str, build: Any) -> Response:
    """Render `template` with what `build()` returns; no data yet is an empty state, not an error."""
    try:
        context = build()
    except NotFoundError as exc:
        context = {"empty": str(exc)}
    return render(request, template, {"title": title, **context})


# --- themes -------------------------------------------------------------------------------------


def themes_context(reader: PersonalData, survey_id: str | None, by: str) -> dict[str, Any]:
    survey = reader.survey(survey_id)
    overall = theme_report(reader, survey_id, ())
    # The groups' voices in the chosen survey only: the page shows no per-group trend, so reading
    # every earlier cycle by group (as a grouped `theme_report` does) would be wasted reads.
    grouped = reader.comment_theme_cells([by], survey.id)
    rows = [(theme, cells[0]) for theme, cells in overall.themes.items()]
    shown = [(t, c.voice) for t, c in rows if not c.voice.suppressed and c.voice.share is not None]
    mentions = sum(v.comments or 0 for _, v in shown)
    groups = sorted({str(v.group.get(by)) for voices in grouped.values() for v in voices})
    matrix = {(t, str(v.group.get(by))): v for t, voices in grouped.items() for v in voices}
    themes = list(grouped)
    return {
        "survey": survey,
        "report": overall,
        "rows": rows,
        "by": by,
        "dimensions": GROUP_DIMENSIONS,
        "groups": groups,
        "matrix": matrix,
        "caption": survey_caption(survey, mentions, "theme mentions"),
        "share_figure": charts.bar_figure_json(
            [t for t, _ in shown],
            [v.share or 0.0 for _, v in shown],
            "Share of themed comments",
            ".0%",
            "%{y}: %{x:.0%} of themed comments",
        ),
        "sentiment_figure": charts.sentiment_bar_json(
            [t for t, v in shown if v.sentiment is not None],
            [v.sentiment for _, v in shown if v.sentiment is not None],
        ),
        "heatmap_figure": charts.heatmap_json(
            themes,
            groups,
            [[_sentiment(matrix.get((t, g))) for g in groups] for t in themes],
            [[_reason(matrix.get((t, g))) for g in groups] for t in themes],
            value_format="+.2f",
            colour_range=(-1.0, 1.0),
            diverging=True,
        ),
        "hidden_note": charts.hidden_note,
    }


def _sentiment(voice: Any) -> float | None:
    return None if voice is None or voice.suppressed else voice.sentiment


def _reason(voice: Any) -> str | None:
    return "no comments from this group on this theme" if voice is None else voice.reason


@router.get("/listening", name="listening_themes", include_in_schema=False)
def themes_page(
    request: Request,
    session: DbSession,
    actor: ListeningActor,
    by: str = "department",
    survey: SurveyQuery = None,
) -> Response:
    reader = PersonalData(session, actor, LISTENING_PURPOSE)
    dimension = _group_dimension(by)
    return _page(
        request,
        "listening_themes.html",
        "What people talk about",
        lambda: themes_context(reader, survey, dimension),
    )


def _quotes_for(
    session: DbSession, actor: Actor, theme: str, by: str | None, value: str | None, survey: str | None
) -> QuoteRelease:
    reader = PersonalData(session, actor, LISTENING_PURPOSE)
    group = {_group_dimension(by): value} if by and value is not None else None
    return theme_quotes(comment_corpus(reader, survey), theme, THEME_QUOTES, group)


@router.get("/listening/quotes", name="listening_quotes", include_in_schema=False)
def quotes_partial(
    request: Request,
    session: DbSession,
    actor: ListeningActor,
    theme: str,
    by: str | None = None,
    value: str | None = None,
    survey: SurveyQuery = None,
) -> Response:
    """The htmx drill-down: typical quotes for a theme, everyone's or one group's."""
    release = _quotes_for(session, actor, theme, by, value, survey)
    group = value if value is not None else "everyone"
    return render(request, "_quotes.html", {"release": release, "theme": theme, "group": group})


@router.get("/api/v1/listening/themes", tags=["listening"])
def themes_api(
    session: DbSession,
    actor: ListeningActor,
    by: Annotated[
        str | None, Query(description="Up to two of department, org_unit, location, level, tenure_band.")
    ] = None,
    survey: SurveyQuery = None,
    quotes: Annotated[int, Query(ge=0, le=10, description="Quotes per group shown.")] = 0,
) -> dict[str, Any]:
    """Per comment theme and group: share of voice, mean sentiment, writers and the trend over earlier
    cycles; groups with fewer than k_comments writers come back suppressed with a reason. Quotes come
    only from teams of at least k_comments people."""
    reader = PersonalData(session, actor, LISTENING_PURPOSE)
    return theme_report(reader, survey, parse_breakdown(by), quotes).as_dict()


@router.get("/api/v1/listening/themes/quotes", tags=["listening"])
def theme_quotes_api(
    session: DbSession,
    actor: ListeningActor,
    theme: str,
    by: Annotated[str | None, Query(description="department or org_unit")] = None,
    value: Annotated[str | None, Query(description="The group's value of `by`.")] = None,
    survey: SurveyQuery = None,
) -> dict[str, Any]:
    """Typical redacted quotes on a theme, from everyone or from one released group; none from
    teams under k_comments people (`reason` says when some were left out)."""
    return _quotes_for(session, actor, theme, by, value, survey).as_dict()


# --- emerging topics ----------------------------------------------------------------------------


def topics_context(reader: PersonalData, survey_id: str | None) -> dict[str, Any]:
    report = emerging_topics(reader, _scorer(), survey_id)
    survey = reader.survey(report.survey)
    return {
        "survey": survey,
        "report": report,
        "caption": survey_caption(survey, report.unthemed_clauses, "sentences that fit no theme"),
        "label_writers": reader.charter.k_aggregate,
    }


@router.get("/listening/topics", name="listening_topics", include_in_schema=False)
def topics_page(
    request: Request, session: DbSession, actor: ListeningActor, survey: SurveyQuery = None
) -> Response:
    reader = PersonalData(session, actor, LISTENING_PURPOSE)
    return _page(request, "listening_topics.html", "Emerging topics", lambda: topics_context(reader, survey))


@router.get("/api/v1/listening/topics", tags=["listening"])
def topics_api(
    session: DbSession,
    actor: ListeningActor,
    by: Annotated[
        str | None, Query(description="Up to two of department, org_unit, location, level, tenure_band.")
    ] = None,
    survey: SurveyQuery = None,
    quotes: Annotated[int, Query(ge=0, le=10, description="Representative quotes per topic.")] = 3,
) -> dict[str, Any]:
    """Emerging topics: clusters of what people write that fits no theme, with key phrases, size,
    sentiment, share per cycle and its slope, figures per group and representative quotes; topics
    fewer than k_comments people wrote about are not shown."""
    reader = PersonalData(session, actor, LISTENING_PURPOSE)
    return emerging_topics(reader, _scorer(), survey, parse_breakdown(by), quotes).as_dict()


# --- survey heatmap and drivers -----------------------------------------------------------------


def survey_context(reader: PersonalData, survey_id: str | None, by: str) -> dict[str, Any]:
    heat = heatmap(reader, survey_id, by)
    survey = reader.survey(heat.survey)
    drivers = driver_analysis(reader, survey.id)
    overall = drivers.cells[0] if drivers.cells else None
    respondents = reader.survey_cells("favorability", survey_id=survey.id).cells[0].n
    return {
        "survey": survey,
        "heat": heat,
        "by": by,
        "dimensions": GROUP_DIMENSIONS,
        "drivers": drivers,
        "overall": overall,
        "heatmap_caption": survey_caption(survey, respondents, "respondents")
        + f" · each cell: % favourable among the group's respondents, shown from {heat.k} people",
        "drivers_caption": survey_caption(survey, overall.n if overall else None, "respondents")
        + (f" · R² = {overall.r_squared:.2f}" if overall and overall.r_squared is not None else ""),
        "heatmap_figure": charts.heatmap_json(
            [label for label, _ in heat.rows],
            heat.drivers,
            [[None if c.suppressed else c.value for c in cells] for _, cells in heat.rows],
            [[c.reason for c in cells] for _, cells in heat.rows],
            value_format=".0f",
            colour_range=(0.0, 100.0),
            diverging=False,
        ),
        "drivers_figure": charts.bar_figure_json(
            [d["driver"] for d in overall.drivers] if overall else [],
            [d["share"] for d in overall.drivers] if overall else [],
            "Share of explained variance in engagement",
            ".0%",
            "%{y}: %{x:.0%} of what explains engagement",
        ),
        "hidden_note": charts.hidden_note,
    }


@router.get("/listening/survey", name="listening_survey", include_in_schema=False)
def survey_page(
    request: Request,
    session: DbSession,
    actor: ListeningActor,
    by: str = "org_unit",
    survey: SurveyQuery = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """The heatmap shows every group; its table twin a page of groups at a time (hundreds of units
    by a dozen drivers at 5,000 people, and rendering them all was most of the page's time)."""
    reader = PersonalData(session, actor, SURVEY_PURPOSE)
    dimension = _group_dimension(by)

    def context() -> dict[str, Any]:
        found = survey_context(reader, survey, dimension)
        return {**found, "rows": paginate(request, found["heat"].rows, page)}

    return _page(request, "listening_survey.html", "Survey results", context)


@router.get("/api/v1/listening/heatmap", tags=["listening"])
def heatmap_api(
    session: DbSession,
    actor: ListeningActor,
    by: Annotated[
        str, Query(description="Rows: department, org_unit, location, level or tenure_band.")
    ] = "org_unit",
    survey: SurveyQuery = None,
) -> dict[str, Any]:
    """Favourability per group and driver; cells under k come back suppressed with a reason."""
    reader = PersonalData(session, actor, SURVEY_PURPOSE)
    return heatmap(reader, survey, by).as_dict()


@router.get("/api/v1/listening/drivers", tags=["listening"])
def drivers_api(
    session: DbSession,
    actor: ListeningActor,
    by: Annotated[
        str | None, Query(description="Up to two of department, org_unit, location, level, tenure_band.")
    ] = None,
    survey: SurveyQuery = None,
) -> dict[str, Any]:
    """Which drivers explain engagement: each driver's share of the explained variance (Johnson's
    relative weights) per released cell."""
    reader = PersonalData(session, actor, SURVEY_PURPOSE)
    return driver_analysis(reader, survey, parse_breakdown(by)).as_dict()


# --- alignment ----------------------------------------------------------------------------------


def _alignment(session: DbSession, actor: Actor, survey_id: str | None) -> Any:
    reader = PersonalData(session, actor, SURVEY_PURPOSE)
    listening = PersonalData(session, actor, LISTENING_PURPOSE, reader.charter)
    return reader, alignment_report(reader, listening, survey_id)


def alignment_context(session: DbSession, actor: Actor, survey_id: str | None) -> dict[str, Any]:
    reader, report = _alignment(session, actor, survey_id)
    survey = reader.survey(survey_id)  # the report's survey, as the reader already looked it up
    placed = [o for o in report.objectives if o.gap is not None]
    evidence_n = max((e.n or 0 for o in report.objectives for e in o.evidence), default=None)
    return {
        "survey": survey,
        "report": report,
        "caption": survey_caption(survey, evidence_n or None, "people who wrote comments on a theme")
        + f" · evidence: {report.evidence_source}",
        "figure": charts.alignment_figure_json(
            [o.name for o in placed],
            [o.priority_weight for o in placed],
            [round(o.priority_weight + (o.gap or 0.0), 4) for o in placed],
        ),
        "hidden_note": charts.hidden_note,
    }


@router.get("/alignment", name="alignment", include_in_schema=False)
def alignment_page(
    request: Request, session: DbSession, actor: AlignmentActor, survey: SurveyQuery = None
) -> Response:
    return _page(
        request, "alignment.html", "Alignment gap", lambda: alignment_context(session, actor, survey)
    )


@router.get("/api/v1/alignment", tags=["listening"])
def alignment_api(session: DbSession, actor: AlignmentActor, survey: SurveyQuery = None) -> dict[str, Any]:
    """North Star objectives ranked by the gap between leadership's priority and the employee voice,
    each with its evidence, and the perception gap between leaders and everyone else."""
    _, report = _alignment(session, actor, survey)
    return dict(report.as_dict())
