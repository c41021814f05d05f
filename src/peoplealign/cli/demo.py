"""`peoplealign demo`: fill a database with a realistic demo organisation and print its logins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from peoplealign.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    emit_json,
    emit_table,
    with_user_errors,
)


@with_user_errors
def demo(
    employees: Annotated[
        int,
        typer.Option("--employees", help="Current headcount of the demo organisation (250-50,000).", min=1),
    ] = 600,
    seed: Annotated[int, typer.Option("--seed", help="Same seed and as-of date, same organisation.")] = 7,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="The demo's 'today' (default: Monday of this week)."
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Wipe the organisation data already in the database first.")
    ] = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Build a demo organisation (two years of history and planted stories) and create demo logins."""
    from peoplealign.demo import generate_demo
    from peoplealign.store.engine import resolve_url

    def report(step: str) -> None:
        if output is OutputFormat.TEXT:
            typer.echo(f"  {step}…", err=True)

    summary = generate_demo(
        resolve_url(db),
        employees=employees,
        seed=seed,
        as_of=as_of.date() if as_of else None,
        replace=replace,
        progress=report,
    )
    if output is OutputFormat.JSON:
        emit_json(summary.as_json())
        return
    emit_table("Rows written", ["table", "rows"], sorted(summary.counts.items()))
    # Plain lines rather than a table: a narrow terminal must never truncate a login.
    width = max(len(x.email) for x in summary.logins)
    typer.echo("Demo logins:")
    for x in summary.logins:
        typer.echo(f"  {x.email:<{width}}  {','.join(x.roles):<20}  {x.name} ({x.title})")
    typer.echo(
        f"Demo organisation of {summary.employees} employees ({summary.people} people including leavers), "
        f"seed {summary.seed}, as of {summary.as_of}, built in {summary.seconds:.1f} s."
    )
    typer.echo(f"Every demo login uses the password '{summary.password}'.")
    typer.echo(
        "WARNING: demo data and a shared, published password. Never use this database for real people."
    )
