"""`peoplealign report`: aggregate reports read through the policy layer as a named user."""

from __future__ import annotations

from typing import Annotated

import typer

from peoplealign.cli.common import (
    AsOption,
    ByOption,
    DbOption,
    FormatOption,
    OutputFormat,
    SurveyOption,
    acting_actor,
    emit_json,
    emit_table,
    prepared_db,
    with_user_errors,
)

app = typer.Typer(
    help="Aggregate reports, k-suppressed and scoped to the requesting user.", no_args_is_help=True
)

SURVEY_PURPOSE = "survey_reporting"


@app.command("survey")
@with_user_errors
def survey(
    as_user: AsOption,
    metric: Annotated[str, typer.Option("--metric", help="engagement | enps | favorability")] = "engagement",
    by: ByOption = None,
    survey_id: SurveyOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """A survey metric per group, as the user may see it: small groups and cells that would let a
    small group be computed by subtraction are suppressed."""
    from peoplealign.policy.aggregates import parse_breakdown
    from peoplealign.policy.gateway import PersonalData
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        reader = PersonalData(session, acting_actor(session, as_user), SURVEY_PURPOSE)
        report = reader.survey_cells(metric, parse_breakdown(by), survey_id=survey_id)
    if output is OutputFormat.JSON:
        emit_json(report.as_dict())
        return
    emit_table(
        f"{metric} (k = {report.k})",
        ["group", "n", "value", "note"],
        [[c.label(), c.n, c.value, c.reason or ""] for c in report.cells],
    )
