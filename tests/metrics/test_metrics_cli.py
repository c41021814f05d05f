"""`peoplealign metrics library|open|propose|review|status|finalize|list|values` through the real
Typer app on a copy of the demo organisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from peoplealign.cli.app import app

runner = CliRunner()
DEMO = "@demo.peoplealign.example"
ANALYST, MANAGER, EMPLOYEE, HR = (f"{r}{DEMO}" for r in ("analyst", "manager", "employee", "hr_partner"))


def run(db: str, *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, ["metrics", *args, "--db", db])
    assert result.exit_code == code, result.output
    return result


def as_json(db: str, *args: str) -> Any:
    return json.loads(run(db, *args, "--format", "json").stdout)


def test_workshop_from_proposal_to_values(demo_url: str) -> None:
    library = json.loads(runner.invoke(app, ["metrics", "library", "--format", "json"]).stdout)
    assert {"time_to_proficiency", "burnout_risk_index", "strategic_skill_coverage"} <= {
        m["key"] for m in library
    }
    run(demo_url, "open", "KPIs", "--participants", f"{MANAGER},{EMPLOYEE},{HR}", "--as", ANALYST)
    proposed = as_json(
        demo_url, "propose", "--measure", "retention", "--param", "window_days=180", "--as", ANALYST
    )
    assert proposed["parameters"] == {"window_days": 180}

    as_json(demo_url, "review", "retention", "--verdict", "approve", "--rating", "4", "--as", MANAGER)
    status = as_json(demo_url, "status", "--as", EMPLOYEE)
    consensus = status["metrics"][0]["consensus"]
    assert (consensus["voted"], consensus["reached"]) == (1, False)
    refused = run(demo_url, "finalize", "retention", "--as", ANALYST, code=2)
    assert "quorum: 1 of 3" in refused.output

    changed = as_json(
        demo_url,
        "review",
        "retention",
        "--verdict",
        "suggest",
        "--param",
        "window_days=365",
        "--as",
        EMPLOYEE,
    )
    assert changed["version_in_review"] == 2, "a parameter change is a new version"
    for who in (MANAGER, EMPLOYEE):
        as_json(demo_url, "review", "retention", "--verdict", "approve", "--as", who)
    done = as_json(demo_url, "finalize", "retention", "--as", ANALYST)
    assert (done["version"], done["active_kpis"]) == (2, 1) and "at least 3" in done["warnings"][0]

    active = as_json(demo_url, "list")
    assert [(d["key"], d["version"], d["status"]) for d in active] == [("retention", 2, "approved")]
    every = as_json(demo_url, "list", "--all")
    assert [d["status"] for d in every] == ["retired", "approved"]

    values = as_json(demo_url, "values", "--by", "department", "--as-of", "2026-11-16", "--as", ANALYST)
    assert values[0]["key"] == "retention" and values[0]["parameters"] == {"window_days": 365}
    assert values[0]["explanation"].startswith("The share of people") and values[0]["library_version"]
    cells = values[0]["cells"]
    assert any(c["suppressed"] for c in cells) and all(c["n"] >= 5 for c in cells if not c["suppressed"])

    run(demo_url, "retire", "retention", "--as", EMPLOYEE, code=4)
    run(demo_url, "retire", "retention", "--as", ANALYST)
    assert as_json(demo_url, "list") == []
    run(demo_url, "close", "--as", ANALYST)
    assert "no open workshop" in run(demo_url, "status", "--as", ANALYST, code=3).output


def test_refusals_and_bad_input_exit_non_zero(demo_url: str, tmp_path: Path) -> None:
    denied = run(demo_url, "open", "Mine", "--participants", MANAGER, "--as", EMPLOYEE, code=4)
    assert "denied" in denied.output
    run(demo_url, "open", "KPIs", "--participants", f"{MANAGER},{EMPLOYEE}", "--as", ANALYST)
    assert "denied" in run(demo_url, "propose", "--measure", "retention", "--as", MANAGER, code=4).output
    assert (
        "'joy' is not one of" in run(demo_url, "propose", "--measure", "joy", "--as", ANALYST, code=2).output
    )
    spec = tmp_path / "metric.yaml"
    spec.write_text("key: burnout\nmeasure: burnout_risk_index\nparameters: {window_days: 3}\n")
    assert "window_days" in run(demo_url, "propose", "--spec", str(spec), "--as", ANALYST, code=2).output
    spec.write_text("key: burnout\nmeasure: burnout_risk_index\ncode: import os\n")
    assert (
        "Additional properties"
        in run(demo_url, "propose", "--spec", str(spec), "--as", ANALYST, code=2).output
    )
    spec.write_text("key: burnout\nmeasure: burnout_risk_index\nparameters: {window_days: 60}\n")
    assert as_json(demo_url, "propose", "--spec", str(spec), "--as", ANALYST)["key"] == "burnout"
    assert (
        "not a participant"
        in run(demo_url, "review", "burnout", "--verdict", "approve", "--as", HR, code=4).output
    )
    assert (
        "needs a reason"
        in run(demo_url, "review", "burnout", "--verdict", "object", "--as", MANAGER, code=2).output
    )
    assert "no version of 'nothing'" in run(demo_url, "finalize", "nothing", "--as", ANALYST, code=3).output
    employee_values = run(demo_url, "values", "burnout", "--as", EMPLOYEE, code=2)
    assert "only approved versions" in employee_values.output
