"""Survey metrics on hand-computed answer sets, and the survey report command on the demo."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.errors import InvalidInputError
from peoplealign.listening.survey_metrics import engagement_index, enps, favorability, survey_metric
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Survey


def answers(rows: list[tuple[str, str, float]], scale_max: int = 5) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["respondent", "kind", "value"])
    frame["scale_min"] = 1
    frame["scale_max"] = frame["kind"].map({"enps": 10}).fillna(scale_max)
    return frame


def test_engagement_averages_per_respondent_first() -> None:
    # r1: 2 of 2 favourable (100%), r2: 0 of 1 (0%) -> 50, not 2/3.
    frame = answers([("r1", "engagement", 5), ("r1", "engagement", 4), ("r2", "engagement", 3)])
    assert engagement_index(frame) == pytest.approx(50.0)


def test_enps_is_promoters_minus_detractors() -> None:
    frame = answers([("a", "enps", 10), ("b", "enps", 9), ("c", "enps", 7), ("d", "enps", 3)])
    assert enps(frame) == pytest.approx(25.0)


def test_favorability_counts_answers_across_likert_items() -> None:
    frame = answers([("a", "likert", 5), ("a", "engagement", 2), ("b", "likert", 4), ("b", "enps", 10)])
    assert favorability(frame) == pytest.approx(200 / 3)


def test_unknown_metric_is_a_clear_error() -> None:
    with pytest.raises(InvalidInputError, match="expected one of engagement, enps, favorability"):
        survey_metric("happiness")


# --- the `peoplealign report survey` command on the demo organisation ---------------------------


def run_report(demo_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["report", "survey", "--db", demo_url, "--format", "json", *args])
    return result.exit_code, result.stdout, result.stderr


def test_report_prints_the_documented_json(demo_url: str) -> None:
    code, out, _ = run_report(
        demo_url, "--as", "analyst@demo.peoplealign.example", "--metric", "favorability", "--by", "department"
    )
    assert code == 0, out
    body = json.loads(out)
    assert set(body) == {"cells", "k"} and body["k"] == 5
    assert len(body["cells"]) > 5
    for cell in body["cells"]:
        assert set(cell) == {"group", "n", "value", "suppressed", "reason"}
        assert list(cell["group"]) == ["department"]
        if cell["suppressed"]:
            assert cell["n"] is None and cell["value"] is None and cell["reason"]
        else:
            assert cell["n"] >= 5 and 0 <= cell["value"] <= 100 and cell["reason"] is None


def test_report_without_breakdown_gives_one_cell_and_older_surveys_by_code(demo_url: str) -> None:
    code, out, _ = run_report(demo_url, "--as", "executive@demo.peoplealign.example", "--metric", "enps")
    assert code == 0
    latest = json.loads(out)["cells"]
    assert len(latest) == 1 and latest[0]["group"] == {} and -100 <= latest[0]["value"] <= 100
    with session_scope(demo_url) as session:
        first = session.scalars(select(Survey.code).order_by(Survey.opened_on)).first()
    code, out, _ = run_report(
        demo_url, "--as", "executive@demo.peoplealign.example", "--metric", "enps", "--survey", str(first)
    )
    assert code == 0 and json.loads(out)["cells"][0]["n"] is not None


def test_report_errors_are_clear(demo_url: str) -> None:
    code, _, err = run_report(demo_url, "--as", "nobody@example.org")
    assert code == 3 and "no active user" in err
    code, _, err = run_report(demo_url, "--as", "employee@demo.peoplealign.example", "--by", "location")
    assert code == 4 and "denied" in err and "audiences.*.scope" in err
    code, _, err = run_report(demo_url, "--as", "analyst@demo.peoplealign.example", "--metric", "mood")
    assert code == 2 and "unknown metric" in err
    code, _, err = run_report(demo_url, "--as", "analyst@demo.peoplealign.example", "--survey", "nope")
    assert code == 3 and "no survey" in err
