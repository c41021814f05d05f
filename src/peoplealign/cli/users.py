"""`peoplealign users`: manage logins and roles."""

from __future__ import annotations

from typing import Annotated

import typer

from peoplealign.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    emit_json,
    emit_table,
    prepared_db,
    with_user_errors,
)

app = typer.Typer(help="Users, their roles and the person record they are linked to.", no_args_is_help=True)


@app.command("add")
@with_user_errors
def add(
    email: Annotated[str, typer.Argument(help="Login email.")],
    roles: Annotated[
        str,
        typer.Option("--roles", help="Comma-separated: employee,manager,hr_partner,analyst,executive,admin."),
    ] = "employee",
    person: Annotated[str | None, typer.Option("--person", help="HRIS id of the linked person.")] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, envvar="PEOPLEALIGN_NEW_PASSWORD"
        ),
    ] = "",
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Create a login. The password is read from a prompt or $PEOPLEALIGN_NEW_PASSWORD, never an argument."""
    from peoplealign.accounts.users import add_user
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        user = add_user(session, email, password, roles, person_hris_id=person)
        email, roles_held, person_id = user.email, list(user.roles), user.person_id
    if output is OutputFormat.JSON:
        emit_json({"email": email, "roles": roles_held, "person_id": person_id})
    else:
        typer.echo(f"added {email} with roles {', '.join(roles_held)}")


@app.command("list")
@with_user_errors
def list_(db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """List every login with its roles."""
    from peoplealign.accounts.users import list_users
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        users = list_users(session)
    if output is OutputFormat.JSON:
        emit_json(
            [
                {
                    "email": u.email,
                    "roles": u.roles,
                    "person_id": u.person_id,
                    "active": u.is_active,
                    "last_login_at": u.last_login_at,
                }
                for u in users
            ]
        )
    else:
        emit_table(
            "Users",
            ["email", "roles", "person", "active", "last login"],
            [[u.email, ",".join(u.roles), u.person_id, u.is_active, u.last_login_at] for u in users],
        )
