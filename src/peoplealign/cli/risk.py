"""`peoplealign risk`: flight risk. `backtest` works on any CSV with no database; `train`, `report`,
`card` and `override` work on the organisation's data through the policy layer as a named user."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    emit_table,
    prepared_db,
    with_user_errors,
)

app = typer.Typer(
    help="Flight risk: backtest on any CSV, train and score, reports and model cards.", no_args_is_help=True
)


ModelVersionOption = Annotated[
    str | None, typer.Option("--version", help="Model version (default: the newest).")
]


def _columns(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


@app.command("backtest")
@with_user_errors
def backtest(
    input: Annotated[Path, typer.Option("--input", help="CSV with one row per person.", show_default=False)],
    event_column: Annotated[
        str, typer.Option("--event-column", help="Did they leave: Yes/No, True/False, 1/0 or Y/N.")
    ],
    duration_column: Annotated[
        str, typer.Option("--duration-column", help="Tenure at leaving, or so far (any unit, at least 0).")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", help="CSV to write the out-of-fold predictions to.", show_default=False),
    ],
    id_column: Annotated[
        str | None, typer.Option("--id-column", help="Column copied to the output to identify rows.")
    ] = None,
    exclude: Annotated[
        str | None, typer.Option("--exclude", help="Columns never used as features (comma-separated).")
    ] = None,
    protected: Annotated[
        str | None,
        typer.Option(
            "--protected",
            help="Protected attributes (comma-separated): never features, only audited for fairness.",
        ),
    ] = None,
    folds: Annotated[int, typer.Option("--folds", help="Outer cross-validation folds.")] = 5,
    horizon: Annotated[
        float | None,
        typer.Option(
            "--horizon",
            help="Calibrate P(leaving within this many duration units); default: the event itself.",
        ),
    ] = None,
    select_by: Annotated[
        str, typer.Option("--select-by", help="Inner-CV choice of model family: auc or concordance.")
    ] = "auc",
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Out-of-fold backtest: writes `risk` (higher = likely to leave sooner) and `probability` per row
    and prints concordance, AUC, calibration and per protected column the fairness of the top-decile
    flag."""
    from peoplealign.errors import InvalidInputError
    from peoplealign.insights.backtest import BacktestOptions, run_backtest, write_oof
    from peoplealign.insights.risk_data import read_survival_csv
    from peoplealign.insights.risk_models import SELECTION_METRICS

    if select_by not in SELECTION_METRICS:
        raise InvalidInputError(
            f"--select-by must be one of {', '.join(SELECTION_METRICS)}; got {select_by!r}"
        )
    if not output.parent.is_dir():
        raise InvalidInputError(f"{output}: cannot write: no folder {output.parent}")
    table = read_survival_csv(input, event_column, duration_column)
    options = BacktestOptions(
        id_column=id_column,
        exclude=_columns(exclude),
        protected=_columns(protected),
        folds=folds,
        horizon=horizon,
        select_by=select_by,
    )
    result = run_backtest(table, options, progress=lambda m: typer.echo(m, err=True))
    write_oof(result, output)
    payload = result.as_dict() | {"output": str(output)}
    if output_format is OutputFormat.JSON:
        emit_json(payload)
        return
    m = result.metrics
    emit_table(
        f"flight-risk backtest ({m['folds']} folds, model {m['family']}, "
        f"{m['rows']} rows, {m['events']} events)",
        ["concordance", "AUC", "Brier", "calibration slope", "mean predicted", "observed"],
        [
            [
                f"{m['concordance']:.3f}",
                f"{m['auc']:.3f}",
                f"{m['brier']:.3f}",
                f"{m['calibration_slope']:.2f}",
                f"{m['mean_probability']:.3f}",
                f"{m['observed_rate']:.3f}",
            ]
        ],
    )
    if result.fairness:
        emit_table(
            "fairness of the top-decile flag",
            ["attribute", "groups (n, flag rate)", "selection-rate ratio", "equalized-odds diff."],
            [
                [
                    a.attribute,
                    "; ".join(f"{g.group} ({g.n}, {g.selection_rate:.2f})" for g in a.groups),
                    "—" if a.selection_rate_ratio is None else f"{a.selection_rate_ratio:.2f}",
                    "—" if a.equalized_odds_difference is None else f"{a.equalized_odds_difference:.2f}",
                ]
                for a in result.fairness
            ],
        )
    for warning in m["warnings"]:
        typer.echo(f"note: {warning}")
    typer.echo(f"out-of-fold predictions written to {output}")


@app.command("train")
@with_user_errors
def train(
    as_user: AsOption,
    as_of: AsOfOption = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Train on the organisation's history, score everyone employed, audit fairness and store a model
    card; the version is used (and stay interviews queued) only if the fairness gate passes."""
    from peoplealign.insights.risk_training import train_flight_risk

    with acting_session(db, as_user) as (session, actor):
        result = train_flight_risk(session, actor, day_of(as_of))
    if output_format is OutputFormat.JSON:
        emit_json(result.as_dict())
        return
    emit_table(
        f"flight-risk model {result.version}",
        ["status", "fairness gate", "people scored", "high band", "stay interviews queued"],
        [
            [
                result.status,
                "passed" if result.fairness_passed else "FAILED",
                result.scored,
                result.high_band,
                result.recommendations,
            ]
        ],
    )
    if not result.fairness_passed:
        typer.echo(
            "the version is inactive: it failed the fairness audit (see `peoplealign risk card`); an "
            "executive may put it in use with `peoplealign risk override --rationale ...`"
        )


@app.command("card")
@with_user_errors
def card(
    version: ModelVersionOption = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """A model version's card: data, features, quality, fairness, intended and prohibited uses,
    limitations. Cards hold no personal data."""
    from peoplealign.insights.model_card import card_summary, find_card
    from peoplealign.policy.risk_access import RISK_MODEL
    from peoplealign.store.engine import session_scope

    with session_scope(prepared_db(db)) as session:
        summary = card_summary(find_card(session, RISK_MODEL, version))
    if output_format is OutputFormat.JSON:
        emit_json(summary)
        return
    typer.echo(render_card(summary))


def render_card(summary: dict[str, Any]) -> str:
    """The card as sections a reader scans: what, how good, how fair, for what, with which limits."""
    quality = summary.get("quality") or {}
    fairness = summary.get("fairness") or {}
    lines = [
        f"model card: {summary['model']} {summary['version']} ({summary['status']})",
        f"trained {summary.get('as_of')} by {summary.get('trained_by')}; family {summary.get('family')}, "
        f"penalty {summary.get('penalty')}"
        + (f"; fitted by {summary['implementation']}" if summary.get("implementation") else ""),
        f"data: {summary.get('data')}",
        "features (coefficient per standard deviation):",
        *(f"  {f['label']}: {f['coefficient_per_sd']:+.3f}" for f in summary.get("features", [])),
        "not used: " + "; ".join(f"{k}: {v}" for k, v in (summary.get("not_used") or {}).items()),
        "quality: "
        + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in quality.items()),
        f"fairness gate: {'passed' if summary['fairness_passed'] else 'FAILED'} — {fairness.get('reason')}",
        *(f"  {a['attribute']}: {a['reason']}" for a in fairness.get("attributes", [])),
    ]
    if summary.get("override_by"):
        lines.append(f"override by {summary['override_by']}: {summary['override_rationale']}")
    lines += [
        f"intended use: {summary.get('intended_use')}",
        "prohibited uses: " + "; ".join(summary.get("prohibited_uses", [])),
        "limitations:",
        *(f"  - {item}" for item in summary.get("limitations", [])),
    ]
    return "\n".join(lines)


@app.command("override")
@with_user_errors
def override(
    as_user: AsOption,
    rationale: Annotated[
        str, typer.Option("--rationale", help="Why the version may be used despite failing.")
    ],
    version: ModelVersionOption = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """An executive puts a version that failed the fairness gate in use, with a rationale (audited)."""
    from peoplealign.insights.model_card import find_card, record_override
    from peoplealign.insights.risk_training import queue_stay_interviews
    from peoplealign.policy.risk_access import RISK_MODEL

    with acting_session(db, as_user) as (session, actor):
        row = find_card(session, RISK_MODEL, version)
        record_override(session, actor, row, rationale)
        queued = queue_stay_interviews(session, row)
        payload = {
            "version": row.version,
            "status": row.status,
            "override_by": row.override_by,
            "queued": queued,
        }
    if output_format is OutputFormat.JSON:
        emit_json(payload)
        return
    typer.echo(
        f"{payload['version']} is now active (override by {payload['override_by']}); "
        f"{queued} stay interviews queued"
    )


@app.command("report")
@with_user_errors
def report(
    as_user: AsOption,
    by: Annotated[str, typer.Option("--by", help="department or org_unit.")] = "department",
    individuals: Annotated[
        bool,
        typer.Option("--individuals", help="List people in the high band (roles the charter names only)."),
    ] = False,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Flight risk of the active model by org unit (k-suppressed), and with `--individuals` the high
    band by name for roles with individual flight-risk access."""
    from peoplealign.errors import InvalidInputError
    from peoplealign.policy.charter import active_charter
    from peoplealign.policy.risk_access import PredictionAccess

    if by not in ("department", "org_unit"):
        raise InvalidInputError(f"--by must be department or org_unit; got {by!r}")
    with acting_session(db, as_user) as (session, actor):
        reader = PredictionAccess(session, actor, active_charter(session))
        mean, high, version = reader.cells((by,))
        people = reader.individual(band="high") if individuals else []
        cells: list[dict[str, Any]] = [
            {
                "group": m.group,
                "n": m.n,
                "mean_probability": m.value,
                "high_band": h.value,
                "suppressed": m.suppressed,
                "reason": m.reason,
            }
            for m, h in zip(mean.cells, high.cells, strict=True)
        ]
        listed: list[dict[str, Any]] = [
            {
                "hris_id": e.hris_id,
                "name": e.name,
                "org_unit": e.org_unit,
                "probability": e.probability,
                "band": e.band,
                "factors": e.factors,
            }
            for e in people
        ]
    cells.sort(key=lambda c: -(c["mean_probability"] or -1))
    payload = {
        "model_version": version,
        "by": by,
        "cells": cells,
        "high_band": listed if individuals else None,
    }
    if output_format is OutputFormat.JSON:
        emit_json(payload)
        return
    if version is None:
        typer.echo("no flight-risk model is active yet (see `peoplealign risk train`)")
        return
    emit_table(
        f"12-month leave probability by {by} ({version})",
        [by, "people", "mean probability", "in high band"],
        [
            [
                ", ".join(map(str, c["group"].values())),
                c["n"] if not c["suppressed"] else "—",
                "suppressed" if c["suppressed"] else f"{c['mean_probability']:.0%}",
                "" if c["suppressed"] else int(c["high_band"] or 0),
            ]
            for c in cells
        ],
    )
    if individuals:
        emit_table(
            "high band: offer a stay interview",
            ["person", "unit", "probability", "top factors"],
            [
                [
                    f"{p['name']} ({p['hris_id']})",
                    p["org_unit"],
                    f"{p['probability']:.0%}",
                    "; ".join(f"{f['label']} {f['direction']}" for f in p["factors"]),
                ]
                for p in listed
            ],
        )
