"""`peoplealign up`: the one command for a first look — demo data, charter, analyses, web app."""

from __future__ import annotations

from typing import Annotated

import typer

from peoplealign.cli.common import DbOption, prepared_db, with_user_errors


@with_user_errors
def up(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    employees: Annotated[int, typer.Option(help="Demo headcount when the database is empty.", min=1)] = 600,
    seed: Annotated[int, typer.Option(help="Demo seed when the database is empty.")] = 7,
    no_serve: Annotated[
        bool,
        typer.Option("--no-serve", help="Prepare everything, print the logins, do not start the web app."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Prepare the database (demo organisation if it is empty, the default charter approved for the
    demo, the analyses that exist) and start the web app, printing its URL and the demo logins."""
    from peoplealign.demo.site import prepare_demo_site

    url = prepared_db(db)

    def progress(step: str) -> None:
        typer.echo(f"  {step}…", err=True)

    report = prepare_demo_site(url, employees, seed, progress)
    typer.echo(f"Database: {url} ({report.active_people} active people)")
    if report.approved_charter_version is not None:
        typer.echo(f"Charter version {report.approved_charter_version} approved by the demo executive.")
    typer.echo(
        f"Readiness audit: {len(report.readiness_findings)} findings (details: peoplealign audit readiness)."
    )
    chain = "intact" if report.audit_chain_ok else "BROKEN — run peoplealign audit verify"
    typer.echo(f"Audit trail: {report.audit_events} events, chain {chain}.")
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"\nPeopleAlign: http://{shown_host}:{port}/")
    if report.is_demo:
        typer.echo("Demo logins (one per role; every demo manager can also sign in with their own email):")
        for email in report.role_logins:
            typer.echo(f"  {email}")
        typer.echo(f"Password for every demo login: {report.password}  (demo data only)")
    if no_serve:
        return
    import uvicorn

    from peoplealign.web.app import create_app

    uvicorn.run(
        create_app(url, run_scheduled_jobs=True), host=host, port=port, log_level="info", proxy_headers=False
    )
