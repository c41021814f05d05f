"""`peoplealign db`: schema management."""

from __future__ import annotations

import typer

from peoplealign.cli.common import DbOption, prepared_db, with_user_errors

app = typer.Typer(help="Database schema: create or upgrade it.", no_args_is_help=True)


@app.command("upgrade")
@with_user_errors
def upgrade(db: DbOption = None) -> None:
    """Create the schema or migrate it to the newest version (safe to repeat)."""
    url = prepared_db(db)
    typer.echo(f"schema is current in {url}")
