"""`peoplealign anomalies detect|list|annotate` and `peoplealign coaching prompts|publish`: flags on
teams' weekly work patterns, the human context that explains them, and coaching prompts for managers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from peoplealign.cli.common import (
    AsOfOption,
    AsOption,
    DbOption,
    FormatOption,
    OutputFormat,
    acting_actor,
    acting_session,
    day_of,
    emit_json,
    emit_outcome,
    emit_table,
    prepared_db,
    with_user_errors,
)

app = typer.Typer(
    help="Anomaly flags on teams' weekly work patterns, and the context managers add.", no_args_is_help=True
)
coaching_app = typer.Typer(
    help="Coaching prompts for managers from team-level signals.", no_args_is_help=True
)

JobAsOption = Annotated[
    str | None,
    typer.Option("--as", help="Email of the user running it (default: an audited system job)."),
]


@app.command("detect")
@with_user_errors
def detect(
    as_user: JobAsOption = None,
    signal: Annotated[
        list[str] | None,
        typer.Option(
            "--signal",
            help="A signal to watch, repeatable: hours, after_hours, meeting_hours, output, pto_hours "
            "(default: all but pto_hours).",
        ),
    ] = None,
    z_threshold: Annotated[float, typer.Option("--z", help="Robust z-score a week must reach.")] = 6.0,
    min_effect: Annotated[
        float, typer.Option("--min-effect", help="Smallest change, as a share of the usual level.")
    ] = 0.3,
    lookback_weeks: Annotated[
        int, typer.Option("--lookback-weeks", help="Weeks back from the latest that may be flagged.")
    ] = 52,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Flag unusual weeks in every team of at least k people and send each new flag to the team's
    manager as a context request. Re-running adds only new flags."""
    from peoplealign.metrics.anomalies import WATCHED, DetectionSettings, detect_anomalies
    from peoplealign.policy.actor import Actor
    from peoplealign.store.engine import session_scope

    settings = DetectionSettings(z_threshold, min_effect, lookback_weeks)
    with session_scope(prepared_db(db)) as session:
        actor = Actor.system("anomalies") if as_user is None else acting_actor(session, as_user)
        run = detect_anomalies(session, actor, settings=settings, signals=signal or WATCHED)
    if output is OutputFormat.JSON:
        emit_json(run.as_dict())
        return
    typer.echo(
        f"{len(run.created)} new flag(s), {len(run.already_flagged)} already known; "
        f"{run.teams_judged} teams judged, {run.teams_too_small} too small or too short to judge "
        f"(weeks since {run.since}, model {run.model_version})."
    )


@app.command("list")
@with_user_errors
def list_command(
    as_user: AsOption,
    status: Annotated[
        str | None, typer.Option("--status", help="open, explained or dismissed (default: all).")
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Flags of the teams you may see (a manager: the teams they answer for), with their context."""
    from peoplealign.metrics.annotations import annotations_of_anomalies
    from peoplealign.metrics.anomalies import list_anomalies

    with acting_session(db, as_user) as (session, actor):
        flags = list_anomalies(session, actor, status=status)
        notes = annotations_of_anomalies(session, [f.id for f in flags])
    if output is OutputFormat.JSON:
        emit_json([{**f.as_dict(), "annotations": [a.as_dict() for a in notes[f.id]]} for f in flags])
        return
    emit_table(
        "anomaly flags",
        ["id", "team", "signal", "week", "value", "z", "status", "context"],
        [
            [
                f.id,
                f"{f.unit_name} ({f.unit_code})",
                f.signal,
                f.week_start,
                f.value,
                f.score,
                f.status,
                "; ".join(f"[{a.category}] {a.text}" for a in notes[f.id]),
            ]
            for f in flags
        ],
    )


@app.command("annotate")
@with_user_errors
def annotate_command(
    as_user: AsOption,
    text: Annotated[str, typer.Option("--text", help="What happened, in plain words (it is redacted).")],
    category: Annotated[
        str,
        typer.Option("--category", help="planned_event, workload, staffing, seasonal, data_issue or other."),
    ],
    anomaly: Annotated[int | None, typer.Option("--anomaly", help="The flag this context answers.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Org unit code (without --anomaly).")] = None,
    signal: Annotated[
        str | None, typer.Option("--signal", help="The signal, or * for all (default: the flag's).")
    ] = None,
    start: Annotated[dt.datetime | None, typer.Option("--start", formats=["%Y-%m-%d"])] = None,
    end: Annotated[dt.datetime | None, typer.Option("--end", formats=["%Y-%m-%d"])] = None,
    keep_in_models: Annotated[
        bool, typer.Option("--keep-in-models", help="Let models still learn from this window.")
    ] = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Add context to a flag (or to a window of a team's signal); the flags it covers become explained."""
    from peoplealign.metrics.annotations import annotate

    with acting_session(db, as_user) as (session, actor):
        done = annotate(
            session,
            actor,
            text=text,
            category=category,
            anomaly_id=anomaly,
            org_unit=unit,
            metric_key=signal,
            start=start.date() if start else None,
            end=end.date() if end else None,
            exclude_from_models=not keep_in_models,
        )
    if output is OutputFormat.JSON:
        emit_json({**done.annotation.as_dict(), "explained_anomalies": done.explained})
        return
    note = done.annotation
    typer.echo(
        f"annotation {note.id} on {note.unit_code} ({note.metric_key}, {note.start_date} – {note.end_date}); "
        f"explained flag(s): {', '.join(map(str, done.explained)) or 'none'}"
    )


@coaching_app.command("prompts")
@with_user_errors
def prompts(
    as_user: AsOption,
    as_of: AsOfOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Coaching prompts for the teams you may see (a manager: their own), each with its evidence."""
    from peoplealign.metrics.coaching import coaching_prompts

    with acting_session(db, as_user) as (session, actor):
        found = coaching_prompts(session, actor, day_of(as_of))
    if output is OutputFormat.JSON:
        emit_json([p.as_dict() for p in found])
        return
    if not found:
        typer.echo("No coaching prompts: no team signal you may see has changed enough.")
        return
    for p in found:
        typer.echo(f"- {p.title}: {p.action}")
        typer.echo(f"  n = {p.evidence['n']}, rule {p.rule}, dated {p.dated}, {p.model_version}")


@coaching_app.command("publish")
@with_user_errors
def publish(
    as_user: JobAsOption = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Store every team's prompts as coaching recommendations for its manager (once per rule, team
    and period), so they appear in the recommendation queue."""
    from peoplealign.metrics.coaching import publish_coaching
    from peoplealign.policy.actor import Actor
    from peoplealign.store.engine import session_scope

    with session_scope(prepared_db(db)) as session:
        actor = Actor.system("coaching") if as_user is None else acting_actor(session, as_user)
        created = publish_coaching(session, actor, day_of(as_of))
    emit_outcome(output, {"created": created}, f"{len(created)} new coaching recommendation(s).")
