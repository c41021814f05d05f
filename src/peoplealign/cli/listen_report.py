"""`peoplealign listen report themes|topics|survey|drivers|alignment`: comment themes, emerging topics,
survey analytics and the alignment gap, read through the policy layer as a named user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from peoplealign.cli.common import (
    AsOption,
    ByOption,
    DbOption,
    FormatOption,
    OutputFormat,
    SurveyOption,
    acting_actor,
    emit_json,
    emit_table,
    prepared_db,
    with_user_errors,
)

if TYPE_CHECKING:
    from peoplealign.policy.gateway import PersonalData

app = typer.Typer(
    help="Comment themes, emerging topics, survey analytics and the alignment gap, k-suppressed.",
    no_args_is_help=True,
)

QuotesOption = Annotated[
    int,
    typer.Option(
        "--quotes", min=0, help="Redacted quotes per group shown, only from teams of at least k_comments."
    ),
]

SURVEY_PURPOSE = "survey_reporting"


@contextmanager
def _reader(db: str | None, email: str, purpose: str = SURVEY_PURPOSE) -> Iterator[PersonalData]:
    from peoplealign.policy.gateway import PersonalData
    from peoplealign.store.engine import session_scope

    with session_scope(prepared_db(db)) as session:
        yield PersonalData(session, acting_actor(session, email), purpose)


@app.command("themes")
@with_user_errors
def themes(
    as_user: AsOption,
    by: ByOption = None,
    survey_id: SurveyOption = None,
    quotes: QuotesOption = 2,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Per comment theme: share of voice, mean sentiment and comment count in the survey's comments,
    with the trend over earlier cycles and typical quotes; groups with fewer than k_comments writers
    are suppressed."""
    from peoplealign.listening.alignment_gap import LISTENING_PURPOSE
    from peoplealign.listening.theme_report import theme_report
    from peoplealign.policy.aggregates import parse_breakdown

    with _reader(db, as_user, LISTENING_PURPOSE) as reader:
        report = theme_report(reader, survey_id, parse_breakdown(by), quotes)
    if output is OutputFormat.JSON:
        emit_json(report.as_dict())
        return

    def figure(value: float | None, pattern: str) -> str:
        return "–" if value is None else pattern.format(value)

    emit_table(
        f"comment themes · {report.survey} (k_comments = {report.k}; – suppressed)",
        ["theme", "group", "comments", "share of voice", "sentiment", "trend by cycle", "note"],
        [
            [
                theme,
                cell.label(),
                cell.voice.comments,
                figure(cell.voice.share, "{:.0%}"),
                figure(cell.voice.sentiment, "{:+.2f}"),
                " → ".join(figure(p.voice.sentiment, "{:+.2f}") for p in cell.trend),
                cell.voice.reason or "",
            ]
            for theme, cells in report.themes.items()
            for cell in cells
        ],
    )
    emit_table(
        f"typical quotes (redacted; only from teams of at least {report.k} people)",
        ["theme", "group", "quote"],
        [
            [theme, cell.label(), text]
            for theme, cells in report.themes.items()
            for cell in cells
            if cell.quotes
            for text in cell.quotes.texts
        ],
    )


@app.command("topics")
@with_user_errors
def topics(
    as_user: AsOption,
    by: ByOption = None,
    survey_id: SurveyOption = None,
    quotes: QuotesOption = 3,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Emerging topics: clusters of what people write that fits no theme, labelled by key phrases,
    with size, sentiment, share of comments per cycle (and its slope) and representative quotes;
    topics fewer than k_comments people wrote about are not shown."""
    from peoplealign.listening.alignment_gap import LISTENING_PURPOSE
    from peoplealign.listening.scorer import CommentScorer
    from peoplealign.listening.survey_analytics import group_label
    from peoplealign.listening.topics import emerging_topics
    from peoplealign.policy.aggregates import parse_breakdown

    with _reader(db, as_user, LISTENING_PURPOSE) as reader:
        report = emerging_topics(reader, CommentScorer(), survey_id, parse_breakdown(by), quotes)
    if output is OutputFormat.JSON:
        emit_json(report.as_dict())
        return

    def share(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    emit_table(
        f"emerging topics · {report.survey} · {len(report.topics)} shown, {report.hidden_topics} with "
        f"fewer than {report.k} writers hidden · model {report.model}",
        ["topic", "writers", "sentiment", "share by cycle", "slope (pts/cycle)"],
        [
            [t.label, t.writers, f"{t.sentiment:+.2f}", " → ".join(share(p.share) for p in t.trend), t.slope]
            for t in report.topics
        ],
    )
    emit_table(
        f"representative quotes (redacted; only from teams of at least {report.k} people)",
        ["topic", "quote"],
        [[t.label, text] for t in report.topics for text in t.quotes.texts or [t.quotes.reason or ""]],
    )
    for t in report.topics if report.by else []:
        emit_table(
            f"{t.label} by {', '.join(report.by)}",
            ["group", "writers", "share of comments", "sentiment", "note"],
            [[group_label(c.group), c.n, share(c.share), c.sentiment, c.reason or ""] for c in t.cells],
        )


@app.command("survey")
@with_user_errors
def survey(
    as_user: AsOption,
    by: ByOption = None,
    survey_id: SurveyOption = None,
    heatmap_by: Annotated[str, typer.Option("--heatmap-by", help="Rows of the driver heatmap.")] = "org_unit",
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Engagement, eNPS, favourability, participation, each driver's change since the previous cycle
    (two-proportion z-test) and the heatmap of groups by drivers."""
    from peoplealign.listening import survey_analytics as sa
    from peoplealign.listening.survey_metrics import METRICS
    from peoplealign.policy.aggregates import parse_breakdown

    dims = parse_breakdown(by)
    with _reader(db, as_user) as reader:
        chosen = reader.survey(survey_id)
        metrics = {key: reader.survey_cells(key, dims, survey_id=chosen.id) for key in METRICS}
        turnout = sa.participation(reader, chosen.id, dims)
        change = sa.change_since_previous(reader, chosen.id, dims)
        heat = sa.heatmap(reader, chosen.id, heatmap_by)
    if output is OutputFormat.JSON:
        emit_json(
            {
                "survey": chosen.code,
                "k": heat.k,
                "metrics": {key: report.as_dict() for key, report in metrics.items()},
                "participation": [p.as_dict() for p in turnout],
                "change": change.as_dict(),
                "heatmap": heat.as_dict(),
            }
        )
        return
    rows = [[key, c.label(), c.n, c.value, c.reason or ""] for key, r in metrics.items() for c in r.cells]
    emit_table(f"{chosen.code} (k = {heat.k})", ["metric", "group", "n", "value", "note"], rows)
    emit_table(
        "participation (% of people employed when the survey opened)",
        ["group", "respondents", "invited", "%", "note"],
        [[sa.group_label(p.group), p.respondents, p.invited, p.value, p.reason or ""] for p in turnout],
    )
    emit_table(
        f"change since {change.previous_survey or 'no previous cycle'} (two-proportion z-test, 5%)",
        ["driver", "group", "n", "now", "before", "Δ", "p", "significant", "note"],
        [
            [
                c.measure,
                sa.group_label(c.group),
                c.n,
                c.value,
                c.previous_value,
                c.delta,
                None if c.p_value is None else f"{c.p_value:.3g}",
                {True: "yes", False: "no", None: ""}[c.significant],
                c.reason or "",
            ]
            for c in change.changes
        ],
    )
    emit_table(
        f"favourability heatmap by {heat.dimension} (– suppressed)",
        [heat.dimension, *heat.drivers],
        [[label, *("–" if c.suppressed else c.value for c in cells)] for label, cells in heat.rows],
    )


@app.command("drivers")
@with_user_errors
def drivers(
    as_user: AsOption,
    by: ByOption = None,
    survey_id: SurveyOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Which drivers explain engagement: each driver's share of the explained variance (relative weights)."""
    from peoplealign.listening.drivers import driver_analysis
    from peoplealign.policy.aggregates import parse_breakdown

    with _reader(db, as_user) as reader:
        analysis = driver_analysis(reader, survey_id, parse_breakdown(by))
    if output is OutputFormat.JSON:
        emit_json(analysis.as_dict())
        return
    for cell in analysis.cells:
        title = (
            f"{analysis.survey} · {cell.label()} · n = {cell.n} · R² = {cell.r_squared} (k = {analysis.k})"
        )
        if cell.suppressed:
            emit_table(title, ["note"], [[cell.reason]])
            continue
        emit_table(
            title,
            ["driver", "share of R²", "raw weight", "r with engagement"],
            [[d["driver"], f"{d['share']:.1%}", d["raw_weight"], d["correlation"]] for d in cell.drivers],
        )


@app.command("alignment")
@with_user_errors
def alignment(
    as_user: AsOption,
    survey_id: SurveyOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """North Star objectives ranked by the gap between their priority and the employee voice, with
    the evidence; and the perception gap between leaders and everyone else on the same items."""
    from peoplealign.listening.alignment_gap import LISTENING_PURPOSE, alignment_report
    from peoplealign.policy.gateway import PersonalData

    with _reader(db, as_user) as reader:
        listening = PersonalData(reader.session, reader.actor, LISTENING_PURPOSE, reader.charter)
        report = alignment_report(reader, listening, survey_id)
    if output is OutputFormat.JSON:
        emit_json(report.as_dict())
        return
    emit_table(
        f"alignment gap · {report.survey} · evidence: {report.evidence_source} (k = {report.k})",
        ["objective", "priority", "weight", "concern", "gap", "reading", "themes"],
        [
            [
                o.name,
                o.priority,
                o.priority_weight,
                o.concern,
                o.gap,
                o.direction,
                "; ".join(f"{e.theme}: {'suppressed' if e.suppressed else e.concern}" for e in o.evidence),
            ]
            for o in report.objectives
        ],
    )
    emit_table(
        f"perception gap: leaders (levels {', '.join(map(str, report.leader_levels))}) vs everyone else",
        ["driver", "leaders n", "leaders %", "others n", "others %", "gap", "note"],
        [
            [p.driver, p.leaders_n, p.leaders_value, p.others_n, p.others_value, p.gap, p.reason or ""]
            for p in report.perception
        ],
    )
