"""`peoplealign metrics`: the metric library, workshops that agree on definitions, and the values of
the approved ones, read through the policy layer as a named user."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peoplealign.cli.common import (
    AsOfOption,
    AsOption,
    DbOption,
    FormatOption,
    OutputFormat,
    acting_session,
    day_of,
    emit_json,
    emit_outcome,
    emit_table,
    prepared_db,
    with_user_errors,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peoplealign.store.models import MetricDefinition

app = typer.Typer(
    help="Co-created metrics: the library, workshops with consensus, and the approved metrics' values.",
    no_args_is_help=True,
)

ParamOption = Annotated[
    list[str] | None, typer.Option("--param", help="A parameter as NAME=VALUE (repeatable).")
]
WorkshopOption = Annotated[
    int | None, typer.Option("--workshop", help="Workshop id (default: the latest open workshop).")
]


def _parameters(pairs: list[str] | None) -> dict[str, Any]:
    """NAME=VALUE pairs; values are read as YAML scalars so numbers stay numbers."""
    import yaml

    from peoplealign.errors import InvalidInputError

    found: dict[str, Any] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInputError(f"--param {pair!r}: expected NAME=VALUE")
        found[name.strip()] = yaml.safe_load(value) if value.strip() else ""
    return found


def _workshop_id(session: Session, given: int | None) -> int:
    from peoplealign.errors import NotFoundError
    from peoplealign.metrics.workshops import latest_open_workshop

    if given is not None:
        return given
    latest = latest_open_workshop(session)
    if latest is None:
        raise NotFoundError("there is no open workshop; open one with `peoplealign metrics open`")
    return latest.id


def _in_review(session: Session, key: str) -> MetricDefinition:
    from sqlalchemy import select

    from peoplealign.errors import NotFoundError
    from peoplealign.store.models import MetricDefinition

    found = session.scalar(
        select(MetricDefinition).where(MetricDefinition.key == key, MetricDefinition.status == "in_review")
    )
    if found is None:
        raise NotFoundError(f"no version of {key!r} is in review")
    return found


@app.command("library")
@with_user_errors
def library(output: FormatOption = OutputFormat.TEXT) -> None:
    """The measures a workshop can choose from: definition, unit, direction, parameters."""
    from peoplealign.metrics.library import MEASURES

    described = [m.describe() for m in MEASURES.values()]
    if output is OutputFormat.JSON:
        emit_json(described)
        return
    for m in described:
        direction = "higher is better" if m["higher_is_better"] else "lower is better"
        for reversal in m["direction_reversed_by"]:
            setting = ", ".join(f"{name}={value}" for name, value in reversal.items())
            direction += f" ({'lower' if m['higher_is_better'] else 'higher'} with {setting})"
        typer.echo(
            f"{m['key']}: {m['name']} ({m['unit']}, {direction}; owner {m['owner']}, for {m['audience']})"
        )
        typer.echo(f"  {m['definition']}")
        for p in m["parameters"]:
            typer.echo(f"  --param {p['name']}={p['default']}  {p['description']}")
        typer.echo("")


@app.command("open")
@with_user_errors
def open_workshop(
    title: Annotated[str, typer.Argument(help="What the workshop is about.")],
    participants: Annotated[
        str, typer.Option("--participants", help="Emails of the participants, comma-separated.")
    ],
    as_user: AsOption,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Open a workshop (analysts): managers and individual contributors who will review metrics."""
    from peoplealign.metrics import workshops

    with acting_session(db, as_user) as (session, actor):
        workshop = workshops.open_workshop(session, actor, title, participants.split(","))
        found = {"workshop": workshop.id, "title": workshop.title, "participants": participants.split(",")}
    emit_outcome(output, found, f"Workshop {found['workshop']} opened: {found['title']}")


@app.command("propose")
@with_user_errors
def propose(
    as_user: AsOption,
    measure: Annotated[str | None, typer.Option("--measure", help="A library measure.")] = None,
    key: Annotated[str | None, typer.Option("--key", help="The metric's key (default: the measure).")] = None,
    params: ParamOption = None,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="A YAML or JSON definition instead of --measure.")
    ] = None,
    workshop: WorkshopOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Propose a metric definition for review in a workshop (analysts)."""
    from peoplealign.errors import InvalidInputError
    from peoplealign.metrics import workshops
    from peoplealign.metrics.definitions import parse_spec, spec_for_measure

    if (spec is None) == (measure is None):
        raise InvalidInputError("give either --measure (with --param) or --spec FILE")
    if spec is not None:
        if not spec.is_file():
            raise InvalidInputError(f"{spec}: no such file")
        chosen = parse_spec(spec.read_text("utf-8"), str(spec))
    else:
        assert measure is not None
        chosen = spec_for_measure(measure, key, _parameters(params))
    with acting_session(db, as_user) as (session, actor):
        row = workshops.propose(session, actor, _workshop_id(session, workshop), chosen)
        found = {"id": row.id, "key": row.key, "version": row.version, "parameters": row.parameters}
    emit_outcome(
        output, found, f"Proposed {found['key']} version {found['version']} for review (id {found['id']})."
    )


@app.command("review")
@with_user_errors
def review(
    key: Annotated[str, typer.Argument(help="The metric's key; its version in review is reviewed.")],
    verdict: Annotated[str, typer.Option("--verdict", help="approve | object | suggest")],
    as_user: AsOption,
    reason: Annotated[str | None, typer.Option("--reason", help="Why you object.")] = None,
    blocking: Annotated[bool, typer.Option("--blocking", help="The objection blocks approval.")] = False,
    params: ParamOption = None,
    rating: Annotated[
        int | None,
        typer.Option("--rating", min=1, max=5, help="Does this reflect high performance here? 1-5."),
    ] = None,
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Vote on a metric in review (participants). A suggested parameter change creates a new
    version and resets the votes."""
    from peoplealign.metrics import workshops

    with acting_session(db, as_user) as (session, actor):
        vote, current = workshops.review(
            session,
            actor,
            _in_review(session, key).id,
            verdict,
            reason=reason,
            blocking=blocking,
            parameters=_parameters(params),
            rating=rating,
            comment=comment,
        )
        found = {"key": current.key, "verdict": vote.verdict, "version_in_review": current.version}
    if output is OutputFormat.JSON:
        emit_json(found)
        return
    typer.echo(
        f"Recorded {found['verdict']} on {found['key']}; version {found['version_in_review']} is in review."
    )


@app.command("resolve")
@with_user_errors
def resolve(
    key: Annotated[str, typer.Argument(help="The metric's key.")],
    as_user: AsOption,
    note: Annotated[str | None, typer.Option("--note", help="How it was addressed.")] = None,
    db: DbOption = None,
) -> None:
    """Mark your own blocking objection to a metric in review as resolved."""
    from peoplealign.metrics import workshops

    with acting_session(db, as_user) as (session, actor):
        workshops.resolve_objection(session, actor, _in_review(session, key).id, note)
    typer.echo(f"Your objection to {key} is marked resolved.")


@app.command("status")
@with_user_errors
def status(
    as_user: AsOption,
    workshop: WorkshopOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Every metric version of a workshop and where it stands against the charter's consensus rule."""
    from peoplealign.metrics import workshops

    with acting_session(db, as_user) as (session, actor):
        chosen = workshops.get_workshop(session, _workshop_id(session, workshop))
        workshops.require_access(session, actor, chosen)
        rows: list[dict[str, Any]] = [
            {
                "id": row.id,
                "key": row.key,
                "version": row.version,
                "status": row.status,
                "parameters": row.parameters,
                "consensus": workshops.consensus(session, row).as_dict(),
            }
            for row in workshops.workshop_versions(session, chosen.id)
        ]
        found: dict[str, Any] = {
            "workshop": chosen.id,
            "title": chosen.title,
            "status": chosen.status,
            "metrics": rows,
        }
    if output is OutputFormat.JSON:
        emit_json(found)
        return
    emit_table(
        f"Workshop {found['workshop']}: {found['title']} ({found['status']})",
        ["metric", "version", "status", "voted", "approve", "blocking", "rating", "consensus"],
        [
            [
                r["key"],
                r["version"],
                r["status"],
                f"{r['consensus']['voted']}/{r['consensus']['participants']}",
                f"{r['consensus']['approval_share']:.0%}",
                r["consensus"]["unresolved_blocking_objections"],
                r["consensus"]["mean_rating"],
                "reached" if r["consensus"]["reached"] else "; ".join(r["consensus"]["missing"]),
            ]
            for r in rows
        ],
    )


@app.command("finalize")
@with_user_errors
def finalize(
    key: Annotated[str, typer.Argument(help="The metric's key; its version in review is finalised.")],
    as_user: AsOption,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Make the version in review the metric's active one (analysts), only with consensus and while
    fewer than the charter's maximum of core KPIs are active."""
    from peoplealign.metrics import workshops

    with acting_session(db, as_user) as (session, actor):
        done = workshops.finalize(session, actor, _in_review(session, key).id)
        found: dict[str, Any] = {
            "key": done.definition.key,
            "version": done.definition.version,
            "replaced_version": done.replaced,
            "active_kpis": done.active,
            "warnings": done.warnings,
        }
    if output is OutputFormat.JSON:
        emit_json(found)
        return
    typer.echo(f"{found['key']} version {found['version']} is now active ({found['active_kpis']} core KPIs).")
    for warning in found["warnings"]:
        typer.echo(f"warning: {warning}", err=True)


@app.command("retire")
@with_user_errors
def retire(
    key: Annotated[str, typer.Argument(help="The metric's key; its active version is retired.")],
    as_user: AsOption,
    db: DbOption = None,
) -> None:
    """Take a metric off the dashboards (analysts); its history stays and a core KPI slot frees up."""
    from peoplealign.metrics import workshops

    with acting_session(db, as_user) as (session, actor):
        row = workshops.retire(session, actor, key)
        version = row.version
    typer.echo(f"{key} version {version} is retired.")


@app.command("close")
@with_user_errors
def close(as_user: AsOption, workshop: WorkshopOption = None, db: DbOption = None) -> None:
    """Close a workshop (analysts): no more proposals or votes; what was decided stays."""
    from peoplealign.metrics import workshops

    with acting_session(db, as_user) as (session, actor):
        closed = workshops.close_workshop(session, actor, _workshop_id(session, workshop))
        found = closed.id
    typer.echo(f"Workshop {found} is closed.")


@app.command("list")
@with_user_errors
def list_definitions(
    every: Annotated[bool, typer.Option("--all", help="Every version, not only the active ones.")] = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Metric definitions: the active (approved) version of each metric, or every version."""
    from peoplealign.metrics.definitions import active_definitions, all_definitions, spec_of
    from peoplealign.store.engine import session_scope

    with session_scope(prepared_db(db)) as session:
        rows = all_definitions(session) if every else active_definitions(session)
        found = [
            {**spec_of(r).as_dict(), "version": r.version, "status": r.status, "workshop": r.workshop_id}
            for r in rows
        ]
    if output is OutputFormat.JSON:
        emit_json(found)
        return
    emit_table(
        "Metric definitions" if every else "Active metrics",
        ["metric", "version", "status", "measure", "parameters", "unit"],
        [
            [d["key"], d["version"], d["status"], d["measure"], _settings(d["parameters"]), d["unit"]]
            for d in found
        ],
    )


@app.command("values")
@with_user_errors
def values(
    as_user: AsOption,
    key: Annotated[
        str | None, typer.Argument(help="One metric's key (default: every active metric).")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="org_unit | department | organisation")] = "org_unit",
    as_of: AsOfOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Values of approved metrics per unit, as the user may see them: cells of fewer than k people,
    and cells that would reveal a small group by subtraction, are suppressed."""
    from peoplealign.metrics.dashboard import MetricPanel, panel_of, values_of
    from peoplealign.metrics.definitions import active_definitions, get_definition

    day = day_of(as_of)
    grouping = "" if by == "organisation" else by
    with acting_session(db, as_user) as (session, actor):
        if key:
            # A metric asked for by name fails loudly (exit 3) when it cannot be computed.
            row = get_definition(session, key)
            found = [MetricPanel(row, values_of(session, actor, row, by=grouping, as_of=day)).as_dict()]
        else:
            # One metric without data (no survey yet) must not hide the others: it says why instead.
            found = [
                panel_of(session, actor, row, by=grouping, as_of=day).as_dict()
                for row in active_definitions(session)
            ]
    if output is OutputFormat.JSON:
        emit_json(found)
        return
    if not found:
        typer.echo("No metric is active yet: a workshop must reach consensus first.")
    for metric in found:
        if not metric["computed"]:
            typer.echo(f"{metric['key']} v{metric['version']}: {metric['note']}")
            continue
        direction = "higher is better" if metric["higher_is_better"] else "lower is better"
        emit_table(
            f"{metric['key']} v{metric['version']} ({metric['unit']}, {direction}, k = {metric['k']})",
            ["unit", "n", "value", "note"],
            [
                [c["org_unit"] or "organisation", c["n"], c["value"], c["reason"] or ""]
                for c in metric["cells"]
            ],
        )
        typer.echo(metric["explanation"])


def _settings(parameters: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in parameters.items())
