"""`peoplealign risk`: flight risk. `backtest` works on any CSV with no database; `train`, `report`,
`card` and `override` work on the organisation's data through the policy layer as a named user."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peoplealign.cli.common import FormatOption, OutputFormat, emit_json, emit_table, with_user_errors

app = typer.Typer(
    help="Flight risk: backtest on any CSV, train and score, reports and model cards.", no_args_is_help=True
)


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
    typer.echo(f"out-of-fold predictions written to {output}")
