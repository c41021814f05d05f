"""`peoplealign audit`: check the hash-chained audit trail and read it."""

from __future__ import annotations

from typing import Annotated

import typer

from peoplealign.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    emit_json,
    emit_table,
    fail,
    prepared_db,
    with_user_errors,
)
from peoplealign.cli.readiness import readiness

app = typer.Typer(help="The audit trail: verify its hash chain, read who did what.", no_args_is_help=True)
app.command("readiness")(readiness)


@app.command("verify")
@with_user_errors
def verify(db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """Check every event's hash and link; exit 1 naming the first broken event. The outcome is
    remembered: the web app's audit page then checks only the events after it."""
    from peoplealign.policy.audit import verify_fully
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        result = verify_fully(session).result
    if output is OutputFormat.JSON:
        emit_json(result.as_dict())
    elif result.ok:
        typer.echo(f"audit chain intact: {result.events_checked} events verified")
    if not result.ok:
        raise fail(
            f"audit chain broken at event {result.first_broken_id}: {result.reason} "
            f"({result.events_checked} events before it verified)"
        )


@app.command("log")
@with_user_errors
def log(
    subject: Annotated[str | None, typer.Option("--subject", help="Only events about this subject.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only events by this user (email).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many of the newest events.")] = 50,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Show the newest audit events, optionally for one subject or one actor."""
    from peoplealign.policy.audit import event_as_dict, query
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        events = [event_as_dict(e) for e in query(session, subject=subject, actor=actor, limit=limit)]
    if output is OutputFormat.JSON:
        emit_json(events)
        return
    emit_table(
        "Audit log (newest first)",
        ["id", "when (UTC)", "actor", "action", "resource", "subject", "purpose", "outcome"],
        [
            [
                e["id"],
                e["occurred_at"],
                e["actor"],
                e["action"],
                e["resource"],
                e["subject"],
                e["purpose"],
                e["outcome"],
            ]
            for e in events
        ],
    )
