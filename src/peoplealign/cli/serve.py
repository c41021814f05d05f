"""`peoplealign serve`: the web interface."""

from __future__ import annotations

from typing import Annotated

import typer

from peoplealign.cli.common import DbOption, prepared_db, with_user_errors


@with_user_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 exposes it to the network.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            "--insecure-cookies",
            help="Send the session cookie over plain HTTP. Only for non-local deployments without "
            "HTTPS; localhost and 127.0.0.1 work without it.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Run the web interface: sign-in, role-aware pages, REST API under /api/v1 and docs at /docs."""
    import uvicorn

    from peoplealign.web.app import create_app

    url = prepared_db(db)
    app = create_app(url, secure_cookies=not insecure_cookies, run_scheduled_jobs=True)
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"PeopleAlign is running at http://{shown_host}:{port}/ (database {url})")
    typer.echo("Press Ctrl+C to stop.")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
