"""What every command shares: the `--db`, `--format`, `--as` and report options, output and error
handling, and the session acting as a named user."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peoplealign.policy.actor import Actor

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $PEOPLEALIGN_DB or sqlite:///./peoplealign.db)."),
]


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="text for people, json for machines.")]

AsOption = Annotated[str, typer.Option("--as", help="Email of the user acting (every read is audited).")]
AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="The day the analysis looks back from (default: today)."
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by", help="Up to two of department, org_unit, location, level, tenure_band (comma-separated)."
    ),
]
SurveyOption = Annotated[
    str | None, typer.Option("--survey", help="Survey id or code (default: the latest).")
]


def day_of(as_of: dt.datetime | None) -> dt.date | None:
    """Click parses `--as-of` as a datetime; the analyses work on days."""
    return as_of.date() if as_of is not None else None


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def emit_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


def emit_outcome(output: OutputFormat, payload: Any, message: str) -> None:
    """A command that changes one record answers machines with the record and people with one line."""
    if output is OutputFormat.JSON:
        emit_json(payload)
    else:
        typer.echo(message)


def fail(message: str, exit_code: int = 1) -> typer.Exit:
    """Print a clear error on stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(exit_code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can fix into a message and an exit code instead of a traceback."""
    from peoplealign.errors import PeopleAlignError

    try:
        yield
    except PeopleAlignError as exc:
        raise fail(str(exc), exc.exit_code) from None


def prepared_db(db: str | None) -> str:
    """Resolve the URL and make sure the schema is current, so every command works on a new file."""
    from peoplealign.store.engine import resolve_url
    from peoplealign.store.migrate import upgrade

    url = resolve_url(db)
    upgrade(url)
    return url


def with_user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with user_errors():
            return func(*args, **kwargs)

    return wrapper


@contextmanager
def acting_session(db: str | None, email: str) -> Iterator[tuple[Session, Actor]]:
    """A session on the prepared database and the `--as` actor every policy-checked read names."""
    from peoplealign.store.engine import session_scope

    with session_scope(prepared_db(db)) as session:
        yield session, acting_actor(session, email)


def acting_actor(session: Session, email: str) -> Actor:
    """The actor named by `--as EMAIL`: an active user, so every read the command makes is attributed."""
    from peoplealign.accounts.users import find_user
    from peoplealign.errors import NotFoundError
    from peoplealign.policy.actor import Actor

    user = find_user(session, email)
    if user is None or not user.is_active:
        raise NotFoundError(f"no active user {email!r}; create one with `peoplealign users add`")
    return Actor.from_user(user)
