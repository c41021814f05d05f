"""`peoplealign listen report survey|drivers|alignment` on the demo: documented JSON, clear refusals."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from peoplealign.cli.app import app

EXECUTIVE = "executive@demo.peoplealign.example"


def run(demo_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["listen", "report", *args, "--db", demo_url])
    return result.exit_code, result.stdout, result.stderr


def test_survey_json_has_metrics_participation_change_and_heatmap(demo_url: str) -> None:
    code, out, _ = run(demo_url, "survey", "--as", EXECUTIVE, "--by", "department", "--format", "json")
    assert code == 0, out
    body = json.loads(out)
    assert body["k"] == 5 and set(body["metrics"]) == {"engagement", "enps", "favorability"}
    assert "z-test" in body["change"]["test"] and body["change"]["previous_survey"]
    for change in body["change"]["changes"]:
        assert change["suppressed"] == (change["p_value"] is None)
    for row in body["heatmap"]["rows"]:
        for cell in row["cells"]:
            assert set(cell) == {"driver", "n", "value", "suppressed", "reason"}
            assert cell["suppressed"] == (cell["value"] is None)


def test_drivers_and_alignment_json(demo_url: str) -> None:
    code, out, _ = run(demo_url, "drivers", "--as", EXECUTIVE, "--format", "json")
    assert code == 0, out
    body = json.loads(out)
    assert "relative weights" in body["method"] and body["cells"][0]["r_squared"] > 0
    code, out, _ = run(demo_url, "alignment", "--as", EXECUTIVE, "--format", "json")
    assert code == 0, out
    body = json.loads(out)
    assert body["evidence_source"] == "survey drivers" and len(body["objectives"]) == 3


def test_text_tables_and_an_employee_breakdown_is_refused(demo_url: str) -> None:
    code, out, _ = run(demo_url, "alignment", "--as", EXECUTIVE)
    assert code == 0 and "perception gap" in out
    code, _, err = run(demo_url, "survey", "--as", "employee@demo.peoplealign.example", "--by", "department")
    assert code == 4 and "error: denied" in err
