"""`peoplealign mydata`: an employee's own data export, and HR's queue of correction requests."""

from __future__ import annotations

import json
from pathlib import Path
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
    with_user_errors,
)

app = typer.Typer(
    help="What is held about you and who looked at it; correction requests.", no_args_is_help=True
)


@app.command("export")
@with_user_errors
def export_command(
    as_user: AsOption,
    output_file: Annotated[
        Path | None, typer.Option("--output", help="Write the JSON here instead of standard output.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Everything held about you (profile, records, career decisions, check-ins, correction
    requests), what the charter lets others see, and the access log of your record, as JSON."""
    from peoplealign.decisions.my_data import my_data
    from peoplealign.policy.charter import active_charter

    with acting_session(db, as_user) as (session, actor):
        payload = my_data(session, active_charter(session), actor).as_dict()
    if output_file is None:
        emit_json(payload)
        return
    output_file.write_text(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n", "utf-8")
    typer.echo(f"wrote {output_file}")


@app.command("request")
@with_user_errors
def request_command(
    as_user: AsOption,
    field: Annotated[str, typer.Option("--field", help="What is wrong, e.g. job_title.")],
    value: Annotated[str | None, typer.Option("--value", help="What it should be.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Anything HR should know.")] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Ask HR to correct something held about you; HR must resolve it."""
    from peoplealign.policy.access_log import own_person
    from peoplealign.policy.charter import active_charter
    from peoplealign.policy.correction_access import request_correction

    with acting_session(db, as_user) as (session, actor):
        view = request_correction(
            session, active_charter(session), actor, own_person(session, actor), field, value, reason
        ).as_dict()
    emit_outcome(output, view, f"correction request {view['id']} sent to HR")


@app.command("corrections")
@with_user_errors
def corrections_command(
    as_user: AsOption, db: DbOption = None, output: FormatOption = OutputFormat.TEXT
) -> None:
    """Open correction requests from employees, oldest first (HR partners)."""
    from peoplealign.policy.charter import active_charter
    from peoplealign.policy.correction_access import open_corrections

    with acting_session(db, as_user) as (session, actor):
        views = [v.as_dict() for v in open_corrections(session, active_charter(session), actor)]
    if output is OutputFormat.JSON:
        emit_json({"correction_requests": views})
        return
    emit_table(
        f"Open correction requests ({len(views)})",
        ["id", "person", "field", "correct value", "reason", "requested"],
        [
            [v["id"], v["person_hris_id"], v["field"], v["requested_value"], v["reason"], v["requested_at"]]
            for v in views
        ],
    )


@app.command("resolve")
@with_user_errors
def resolve_command(
    request_id: Annotated[int, typer.Argument(help="The correction request's id.")],
    status: Annotated[str, typer.Argument(help="accepted | rejected")],
    as_user: AsOption,
    note: Annotated[str, typer.Option("--note", help="What was done, for the employee to read.")],
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Resolve a correction request; the employee reads the note in their data."""
    from peoplealign.policy.charter import active_charter
    from peoplealign.policy.correction_access import resolve_correction

    with acting_session(db, as_user) as (session, actor):
        view = resolve_correction(session, active_charter(session), actor, request_id, status, note).as_dict()
    emit_outcome(output, view, f"correction request {view['id']} {view['status']}")
