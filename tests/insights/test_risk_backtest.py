"""The `risk backtest` contract: events read in every usual spelling (a clear error otherwise),
categoricals encoded, protected columns never features, the out-of-fold file and the JSON keys."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from peoplealign.cli.risk import app
from peoplealign.errors import InvalidInputError
from peoplealign.insights.backtest import BacktestOptions, clock_columns, run_backtest
from peoplealign.insights.risk_data import read_survival_csv
from peoplealign.insights.risk_features import FeatureEncoder

runner = CliRunner()


def survival_csv(path: Path, event_words: tuple[str, str] = ("Yes", "No"), n: int = 240) -> Path:
    """Leaving depends on overtime and a team; `Gender` is perfectly tied to the event on purpose."""
    rng = np.random.default_rng(3)
    overtime = rng.choice(["Yes", "No"], n)
    team = rng.choice(["alpha", "beta", "gamma"], n)
    hazard = np.exp(0.9 * (overtime == "Yes") + 0.5 * (team == "gamma"))
    time_to_exit = rng.exponential(6 / hazard)
    censor = rng.uniform(1, 10, n)
    left = time_to_exit <= censor
    frame = pd.DataFrame(
        {
            "EmployeeId": np.arange(1000, 1000 + n),
            "Tenure": np.minimum(time_to_exit, censor).round(2),
            "Left": np.where(left, *event_words),
            "OverTime": overtime,
            "Team": team,
            "Gender": np.where(left, "f", "m"),
            "Constant": "same",
        }
    )
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("words", [("Yes", "No"), ("TRUE", "false"), ("1", "0"), ("y", "n")])
def test_event_spellings_are_understood(tmp_path: Path, words: tuple[str, str]) -> None:
    path = survival_csv(tmp_path / "people.csv", words)
    table = read_survival_csv(path, "Left", "Tenure")
    expected = (pd.read_csv(path, dtype=str)["Left"] == words[0]).to_numpy()
    assert (table.event == expected).all()


def test_an_unreadable_event_names_file_row_and_column(tmp_path: Path) -> None:
    path = survival_csv(tmp_path / "people.csv")
    frame = pd.read_csv(path, dtype=str)
    frame.loc[6, "Left"] = "maybe"
    frame.to_csv(path, index=False)
    with pytest.raises(InvalidInputError, match=r"people\.csv: row 8, column 'Left': cannot read 'maybe'"):
        read_survival_csv(path, "Left", "Tenure")


def test_categoricals_are_encoded_and_constants_and_ids_dropped(tmp_path: Path) -> None:
    table = read_survival_csv(survival_csv(tmp_path / "people.csv"), "Left", "Tenure")
    encoder = FeatureEncoder().fit(table.columns, never=["Gender"])
    described = encoder.describe()
    assert set(described["categorical"]) == {"OverTime", "Team"}
    assert described["dropped"]["Constant"] == "constant"
    assert "EmployeeId" in described["dropped"]
    assert encoder.transform(table.columns).shape == (len(table.event), len(encoder.feature_names))


def test_protected_columns_never_reach_the_model(tmp_path: Path) -> None:
    """Gender equals the event here: used as a feature it would give an AUC of 1."""
    table = read_survival_csv(survival_csv(tmp_path / "people.csv"), "Left", "Tenure")
    result = run_backtest(table, BacktestOptions(protected=["Gender"], folds=3))
    assert "Gender" in result.features["never"]
    assert "Gender" not in result.features["numeric"]
    assert "Gender" not in result.features["categorical"]
    assert result.metrics["auc"] < 0.9
    leaky = run_backtest(table, BacktestOptions(folds=3))
    assert leaky.metrics["auc"] > 0.99  # the same data with Gender allowed: the test can tell


def test_cli_writes_out_of_fold_predictions_and_json(tmp_path: Path) -> None:
    path = survival_csv(tmp_path / "people.csv")
    output = tmp_path / "oof.csv"
    result = runner.invoke(
        app,
        [
            "backtest",
            "--input",
            str(path),
            "--event-column",
            "Left",
            "--duration-column",
            "Tenure",
            "--id-column",
            "EmployeeId",
            "--protected",
            "Gender",
            "--folds",
            "3",
            "--output",
            str(output),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    for key in ("concordance", "auc", "brier", "calibration_slope", "fairness", "family", "rows", "events"):
        assert key in payload
    assert payload["fairness"][0]["attribute"] == "Gender"
    assert {"selection_rate_ratio", "equalized_odds_difference"} <= set(payload["fairness"][0])
    oof = pd.read_csv(output)
    assert list(oof.columns) == ["EmployeeId", "risk", "probability", "fold", "model"]
    assert len(oof) == 240 and oof["probability"].between(0, 1).all()


def test_cli_errors_are_clear_and_nonzero(tmp_path: Path) -> None:
    path = survival_csv(tmp_path / "people.csv")
    result = runner.invoke(
        app,
        [
            "backtest",
            "--input",
            str(path),
            "--event-column",
            "Gone",
            "--duration-column",
            "Tenure",
            "--output",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "no column 'Gone'" in result.output


def test_messy_exports_are_handled(tmp_path: Path) -> None:
    """Blanks and "N/A" in numbers, a 150-level categorical, an empty column, free text and blank
    event rows: the backtest still runs, says what it dropped and counts the rows it left out."""
    path = survival_csv(tmp_path / "people.csv", n=400)
    frame = pd.read_csv(path, dtype=str)
    rng = np.random.default_rng(5)
    frame["Salary"] = rng.normal(50_000, 9_000, len(frame)).round().astype(str)
    frame.loc[rng.random(len(frame)) < 0.1, "Salary"] = ""
    frame.loc[rng.random(len(frame)) < 0.05, "Salary"] = "N/A"
    frame["City"] = [f"city {i}" for i in rng.integers(0, 150, len(frame))]
    frame["Empty"] = ""
    frame["Note"] = [f"joined via referral #{i}" for i in range(len(frame))]
    frame.loc[[3, 9], "Left"] = ""
    frame.to_csv(path, index=False)
    table = read_survival_csv(path, "Left", "Tenure")
    assert table.rows_dropped == 2
    result = run_backtest(table, BacktestOptions(protected=["Gender"], folds=3))
    assert result.metrics["auc"] > 0.55 and result.metrics["concordance"] > 0.55  # clean data: 0.61
    assert "Salary" in result.features["numeric"]
    assert result.features["dropped"]["Empty"] == "constant"
    assert "Note" in result.features["dropped"]
    assert len(result.features["categorical"]["City"]) <= 31  # frequent levels, the rest as "(other)"


def test_columns_measured_when_the_row_ended_are_pointed_out(tmp_path: Path) -> None:
    path = survival_csv(tmp_path / "people.csv")
    frame = pd.read_csv(path)
    frame["YearsInRole"] = (frame["Tenure"] * np.random.default_rng(1).uniform(0.3, 1.0, len(frame))).round(2)
    frame.to_csv(path, index=False)
    table = read_survival_csv(path, "Left", "Tenure")
    assert clock_columns(table, skip=["EmployeeId"]) == ["YearsInRole"]
