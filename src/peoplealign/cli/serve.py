"""`peoplealign serve`: the web interface."""

from __future__ import annotations

import os
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
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes, about one per CPU core. Each keeps its own caches of the "
            "dashboards (memory grows with the number) and warms them at start-up.",
        ),
    ] = 1,
    db: DbOption = None,
) -> None:
    """Run the web interface: sign-in, role-aware pages, REST API under /api/v1 and docs at /docs."""
    from peoplealign.web import workers as serving

    url = prepared_db(db)
    os.environ[serving.URL_VARIABLE] = url
    os.environ[serving.INSECURE_COOKIES_VARIABLE] = "1" if insecure_cookies else "0"
    shown_host = f"[{host}]" if ":" in host else host
    typer.echo(f"PeopleAlign is running at http://{shown_host}:{port}/ (database {url})")
    typer.echo("Press Ctrl+C to stop.")
    serving.serve(serving.FACTORY, host=host, port=port, workers=workers)
