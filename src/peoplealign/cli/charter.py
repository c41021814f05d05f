"""`peoplealign charter`: write, validate, propose, approve and explain the People Alignment Charter."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from peoplealign.cli.common import (
    AsOption,
    DbOption,
    FormatOption,
    OutputFormat,
    acting_actor,
    emit_json,
    emit_table,
    fail,
    prepared_db,
    with_user_errors,
)

app = typer.Typer(
    help="The People Alignment Charter: what data is used, why, by whom, and what is never done.",
    no_args_is_help=True,
)


class StatementFormat(StrEnum):
    MD = "md"
    HTML = "html"


def _read(path: Path) -> str:
    from peoplealign.errors import InvalidInputError

    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read the charter file ({exc.strerror})") from None


@app.command("init")
@with_user_errors
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the strict default charter.")] = Path(
        "charter.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the strict default charter to a file to edit, validate and apply."""
    from peoplealign.policy.charter import default_yaml

    if path.exists() and not force:
        raise fail(f"{path} already exists; use --force to overwrite it")
    path.write_text(default_yaml(), "utf-8")
    typer.echo(f"wrote the default charter to {path}; edit it, then `peoplealign charter validate {path}`")


@app.command("validate")
def validate(
    path: Annotated[Path, typer.Argument(help="The charter YAML file.")],
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check a charter file against the schema; print every problem with its path."""
    from peoplealign.errors import InvalidInputError
    from peoplealign.policy.charter import CharterValidationError, loosenings, parse_yaml

    try:
        document = parse_yaml(_read(path), str(path))
    except CharterValidationError as exc:
        if output is OutputFormat.JSON:
            emit_json({"valid": False, "problems": exc.problems})
        else:
            for problem in exc.problems:
                typer.echo(f"{path}: {problem}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except InvalidInputError as exc:
        raise fail(str(exc), exc.exit_code) from None
    loosened = loosenings(document)
    if output is OutputFormat.JSON:
        emit_json({"valid": True, "problems": [], "loosens_minimums": loosened})
        return
    typer.echo(
        f"{path}: valid charter ({len(document.sources)} data sources, {len(document.audiences)} audiences)"
    )
    for item in loosened:
        typer.echo(f"warning: loosens a built-in minimum, approval will need --accept-loosening: {item}")


@app.command("apply")
@with_user_errors
def apply(
    path: Annotated[Path, typer.Argument(help="The charter YAML file.")],
    as_: AsOption,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Store the file as a new draft version; it takes effect only after an executive approves it."""
    from peoplealign.policy import charter
    from peoplealign.store.engine import session_scope

    text = _read(path)
    url = prepared_db(db)
    with session_scope(url) as session:
        row = charter.apply(session, text, acting_actor(session, as_), str(path))
        result = {"version": row.version, "status": row.status, "sha256": row.sha256}
    if output is OutputFormat.JSON:
        emit_json(result)
    else:
        typer.echo(
            f"stored charter version {result['version']} as a draft; an executive activates it with "
            f"`peoplealign charter approve --version {result['version']} --as EMAIL --note TEXT`"
        )


@app.command("approve")
@with_user_errors
def approve(
    version: Annotated[int, typer.Option("--version", help="The draft version to activate.")],
    as_: AsOption,
    note: Annotated[str, typer.Option("--note", help="Why this version is approved (recorded).")],
    accept_loosening: Annotated[
        bool,
        typer.Option("--accept-loosening", help="Accept, on the record, relaxing built-in privacy minimums."),
    ] = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Activate a charter version (executives only); the previous one is superseded."""
    from peoplealign.policy import charter
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        row = charter.approve(
            session, version, acting_actor(session, as_), note, accept_loosening=accept_loosening
        )
        result = {
            "version": row.version,
            "status": row.status,
            "approved_by": row.approved_by,
            "approved_at": row.approved_at,
            "approval_note": row.approval_note,
        }
    if output is OutputFormat.JSON:
        emit_json(result)
    else:
        typer.echo(f"charter version {version} is now active (approved by {result['approved_by']})")


@app.command("show")
@with_user_errors
def show(
    version: Annotated[
        int | None, typer.Option("--version", help="A stored version; 0 is the packaged default.")
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Show the charter in force (or a given version) and the list of versions."""
    import yaml

    from peoplealign.policy import charter
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        document = charter.document_at(session, version)
        versions = [
            [v.version, v.status, v.created_by, v.approved_by, v.approved_at, v.created_at]
            for v in charter.list_versions(session)
        ]
    summary = {
        "version": document.version,
        "status": document.status,
        "is_default": document.is_default,
        "approved_by": document.approved_by,
        "approved_at": document.approved_at,
    }
    if output is OutputFormat.JSON:
        emit_json({**summary, "document": document.as_dict()})
        return
    state = "packaged strict default, no charter approved yet" if document.is_default else document.status
    typer.echo(f"# charter version {document.version} ({state})")
    typer.echo(yaml.safe_dump(document.as_dict(), sort_keys=False, allow_unicode=True))
    if versions:
        emit_table(
            "Charter versions",
            ["version", "status", "proposed by", "approved by", "approved at", "created"],
            versions,
        )


@app.command("diff")
@with_user_errors
def diff(
    from_version: Annotated[
        int | None, typer.Option("--from", help="Base version (default: the one in force; 0 = default).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", help="Version to compare (default: newest).")
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """What changes between two charter versions."""
    from peoplealign.policy import charter
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        changes = charter.diff(session, from_version, to_version)
    if output is OutputFormat.JSON:
        emit_json([c.as_dict() for c in changes])
        return
    if not changes:
        typer.echo("no differences")
    for change in changes:
        typer.echo(change.describe())


@app.command("statement")
@with_user_errors
def statement(
    fmt: Annotated[StatementFormat, typer.Option("--format", help="md or html.")] = StatementFormat.MD,
    output_file: Annotated[Path | None, typer.Option("--output", help="Write to this file.")] = None,
    db: DbOption = None,
) -> None:
    """The Data Ethics Statement for employees, generated from the charter in force."""
    from peoplealign.policy.charter import active_charter
    from peoplealign.policy.statement import render_statement
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        text = render_statement(active_charter(session), fmt.value)
    if output_file is None:
        typer.echo(text, nl=False)
    else:
        output_file.write_text(text, "utf-8")
        typer.echo(f"wrote the ethics statement to {output_file}")


@app.command("enforce-retention")
@with_user_errors
def enforce_retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be removed.")] = False,
    as_: Annotated[
        str | None, typer.Option("--as", help="Acting admin's email (default: the system retention job).")
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Delete or anonymise what is past its retention period; the run is audited."""
    from peoplealign.policy.actor import Actor
    from peoplealign.policy.retention import enforce_retention as enforce
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        actor = Actor.system("retention") if as_ is None else acting_actor(session, as_)
        report = enforce(session, actor, dry_run=dry_run)
    if output is OutputFormat.JSON:
        emit_json(report.as_dict())
        return
    verb = "would remove or anonymise" if dry_run else "removed or anonymised"
    emit_table(
        f"Retention on {report.run_on} ({'dry run' if dry_run else 'applied'})",
        ["source", "kept (days)", "cutoff", "action", "rows"],
        [
            [
                s.source,
                s.retention_days,
                s.cutoff,
                s.action,
                ", ".join(f"{t}: {n}" for t, n in s.rows.items()),
            ]
            for s in report.sources
        ],
    )
    typer.echo(f"{verb} {report.total} rows")
