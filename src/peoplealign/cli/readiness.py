"""`peoplealign audit readiness`: can the data and the structure support the insights?"""

from __future__ import annotations

from peoplealign.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    emit_json,
    emit_table,
    prepared_db,
    with_user_errors,
)


@with_user_errors
def readiness(db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """Coverage and freshness of each data source, teams below k, spans of control and missing
    fields, each finding with a severity and a concrete action."""
    from peoplealign.policy import audit
    from peoplealign.policy.actor import Actor
    from peoplealign.policy.charter import active_charter
    from peoplealign.policy.readiness import assess
    from peoplealign.store.engine import session_scope

    url = prepared_db(db)
    with session_scope(url) as session:
        report = assess(session, active_charter(session).k_aggregate)
        audit.record(
            session,
            Actor.system("readiness"),
            "read_aggregate",
            "readiness",
            purpose="administration",
            detail={"findings": len(report.findings)},
        )
    if output is OutputFormat.JSON:
        emit_json(report.as_dict())
        return
    emit_table(
        f"Data sources ({report.active_people} active people, as of {report.as_of})",
        ["source", "rows", "people covered", "share", "latest", "imports", "last import"],
        [
            [s.key, s.rows, s.people_covered, f"{s.share_covered:.0%}", s.latest, s.imports, s.last_import]
            for s in report.sources
        ],
    )
    emit_table(
        "Findings",
        ["severity", "area", "finding", "action"],
        [[f.severity, f.area, f.finding, f.action] for f in report.findings],
    )
