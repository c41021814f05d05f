"""`peoplealign decisions`: the recommendation queue and career decisions made by named humans."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from peoplealign.cli.common import (
    AsOption,
    DbOption,
    FormatOption,
    OutputFormat,
    acting_session,
    emit_json,
    emit_outcome,
    emit_table,
    prepared_db,
    with_user_errors,
)

app = typer.Typer(
    help="Recommendations become conversations, and career decisions are made by named humans.",
    no_args_is_help=True,
)


def _date(text: str | None, option: str) -> dt.date | None:
    from peoplealign.errors import InvalidInputError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"{option}: expected a date YYYY-MM-DD, got {text!r}") from None


@app.command("queue")
@with_user_errors
def queue_command(
    as_user: AsOption,
    include_closed: Annotated[
        bool, typer.Option("--all", help="Also show dismissed and done recommendations.")
    ] = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """The recommendations you may work on, as the charter allows: stay interviews for roles with
    individual flight-risk access, team rebalancing and coaching for a manager's own units."""
    from peoplealign.decisions.queue import recommendation_queue
    from peoplealign.policy.charter import active_charter

    with acting_session(db, as_user) as (session, actor):
        items = recommendation_queue(session, active_charter(session), actor, include_closed=include_closed)
        payload = [i.as_dict() for i in items]
    if output is OutputFormat.JSON:
        emit_json({"recommendations": payload})
        return
    emit_table(
        f"Recommendations ({len(payload)})",
        ["id", "kind", "status", "about", "title", "model"],
        [
            [i["id"], i["kind"], i["status"], i["subject"] or i["org_unit"], i["title"], i["model_version"]]
            for i in payload
        ],
    )


@app.command("act")
@with_user_errors
def act_command(
    recommendation_id: Annotated[
        int, typer.Argument(help="The recommendation's id (see `decisions queue`).")
    ],
    action: Annotated[str, typer.Argument(help="accept | dismiss | snooze | outcome")],
    as_user: AsOption,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is dismissed (required).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Snooze until this date (YYYY-MM-DD).")] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="What came of it, e.g. 'stay interview held; agreed ...'.")
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Accept, dismiss (with a reason), snooze (to a date) or record the outcome of a recommendation."""
    from peoplealign.decisions.queue import act
    from peoplealign.policy.charter import active_charter

    with acting_session(db, as_user) as (session, actor):
        item = act(
            session,
            active_charter(session),
            actor,
            recommendation_id,
            action,
            reason=reason,
            until=_date(until, "--until"),
            outcome=outcome,
        ).as_dict()
    emit_outcome(output, item, f"recommendation {item['id']} is now {item['status']}")


@app.command("record")
@with_user_errors
def record_command(
    decision_type: Annotated[
        str, typer.Option("--type", help="hire | promotion | termination | pay_change | performance_rating")
    ],
    subject: Annotated[str, typer.Option("--subject", help="HRIS id of the person the decision is about.")],
    decided_by: Annotated[
        str | None, typer.Option("--decided-by", help="Email of the person who decides (required).")
    ] = None,
    rationale: Annotated[
        str | None, typer.Option("--rationale", help="Why, in the decision maker's words (required).")
    ] = None,
    second_reviewer: Annotated[
        str | None,
        typer.Option("--second-reviewer", help="Email of the second reviewer (required for termination)."),
    ] = None,
    considered: Annotated[
        str | None,
        typer.Option(
            "--considered", help="AI inputs considered: prediction:ID,recommendation:ID (comma-separated)."
        ),
    ] = None,
    effective_on: Annotated[
        str | None, typer.Option("--effective-on", help="When it takes effect (YYYY-MM-DD).")
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Record a career decision made by a named human. Refused (exit 4, audited) without a decision
    maker whose role may decide, without a rationale, without the second reviewer the charter asks
    for, or with an AI input the charter forbids for this type (flight risk for promotion, pay or
    termination)."""
    from peoplealign.decisions.career_decisions import record_decision
    from peoplealign.policy.charter import active_charter
    from peoplealign.store.engine import session_scope

    with session_scope(prepared_db(db)) as session:
        record = record_decision(
            session,
            active_charter(session),
            decision_type=decision_type,
            subject=subject,
            decided_by=decided_by,
            rationale=rationale,
            second_reviewer=second_reviewer,
            considered=considered,
            effective_on=_date(effective_on, "--effective-on"),
        ).as_dict()
    if output is OutputFormat.JSON:
        emit_json(record)
        return
    waiting = (
        f"; pending until {record['second_reviewer']} confirms it (`peoplealign decisions review`)"
        if record["status"] == "pending_review"
        else ""
    )
    typer.echo(
        f"recorded {record['type']} decision {record['id']} about {record['subject_hris_id']} "
        f"by {record['decided_by']}{waiting}"
    )


@app.command("review")
@with_user_errors
def review_command(
    decision_id: Annotated[int, typer.Argument(help="The decision's id.")],
    as_user: AsOption,
    confirm: Annotated[
        bool | None,
        typer.Option(
            "--confirm/--reject",
            help="Confirm the decision (it takes effect) or reject it.",
            show_default=False,
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why, in your own words (required).")] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """As the second reviewer named on a decision, confirm or reject it with a note. A decision that
    names a second reviewer is pending until then; anyone else is refused (exit 4, audited)."""
    from peoplealign.decisions.career_decisions import review_decision
    from peoplealign.errors import InvalidInputError
    from peoplealign.policy.charter import active_charter

    if confirm is None:
        raise InvalidInputError("say --confirm or --reject")
    with acting_session(db, as_user) as (session, actor):
        record = review_decision(
            session,
            active_charter(session),
            actor,
            decision_id,
            confirm=confirm,
            note=note,
        ).as_dict()
    emit_outcome(output, record, f"decision {record['id']} is now {record['status'].replace('_', ' ')}")


@app.command("show")
@with_user_errors
def show_command(
    decision_id: Annotated[int, typer.Argument(help="The decision's id.")],
    as_user: AsOption,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """One recorded decision: its maker, reviewer, rationale and the AI inputs considered. Open to
    the person it is about and to roles with the decisions view."""
    from peoplealign.policy.charter import active_charter
    from peoplealign.policy.decision_access import decision

    with acting_session(db, as_user) as (session, actor):
        record = decision(session, active_charter(session), actor, decision_id).as_dict()
    if output is OutputFormat.JSON:
        emit_json(record)
        return
    emit_table(
        f"Decision {record['id']}",
        ["field", "value"],
        [
            ["type", record["type"]],
            ["about", f"{record['subject_name']} ({record['subject_hris_id']})"],
            ["decided by", record["decided_by"]],
            ["second reviewer", record["second_reviewer"] or "-"],
            ["status", record["status"].replace("_", " ")],
            ["review note", record["review_note"] or "-"],
            ["rationale", record["rationale"]],
            ["AI inputs considered", ", ".join(c["ref"] for c in record["considered"]) or "none"],
            ["recorded at", record["recorded_at"]],
        ],
    )
