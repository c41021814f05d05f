"""`peoplealign listen ingest` and `listen report themes` on the demo: counts, documented JSON, and
suppression of groups below k_comments."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from peoplealign.cli.app import app

EXECUTIVE = "executive@demo.peoplealign.example"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["listen", *args])
    return result.exit_code, result.stdout, result.stderr


def test_ingest_then_themes_report(demo_url: str) -> None:
    code, out, err = run("ingest", "--db", demo_url, "--batch-size", "200", "--format", "json")
    assert code == 0, out + err
    first = json.loads(out)
    assert first["scored"] > 500 and first["unchanged"] == 0 and first["model_version"]
    code, out, _ = run("ingest", "--db", demo_url, "--format", "json")
    assert code == 0 and json.loads(out)["scored"] == 0
    code, out, _ = run("ingest", "--db", demo_url)
    assert code == 0 and "already current" in out

    code, out, err = run(
        "report", "themes", "--as", EXECUTIVE, "--by", "department", "--format", "json", "--db", demo_url
    )
    assert code == 0, out + err
    body = json.loads(out)
    assert body["k"] == 10 and body["by"] == ["department"] and len(body["cycles"]) == 3
    assert "Management Trust" in body["themes"]
    cells = [cell for theme in body["themes"].values() for cell in theme]
    keys = {"group", "writers", "comments", "share", "sentiment", "suppressed", "reason", "trend", "quotes"}
    assert all(set(cell) == keys for cell in cells)
    points = [point for cell in cells for point in [cell, *cell["trend"]]]
    assert any(p["suppressed"] for p in points) and any(not p["suppressed"] for p in points)
    for point in points:
        if point["suppressed"]:
            assert point["share"] is point["sentiment"] is point["comments"] is None
        else:
            assert point["writers"] >= body["k"] and -1 <= point["sentiment"] <= 1

    assert all(cell["quotes"] == [] for cell in cells if cell["suppressed"])
    code, out, _ = run("report", "themes", "--as", EXECUTIVE, "--format", "json", "--db", demo_url)
    overall = [cell for theme in json.loads(out)["themes"].values() for cell in theme]
    assert code == 0 and any(cell["quotes"] for cell in overall), "visible groups come with typical quotes"

    code, out, _ = run("report", "themes", "--as", EXECUTIVE, "--db", demo_url)
    assert code == 0 and "comment themes" in out and "typical quotes" in out


def test_themes_breakdown_is_refused_to_an_employee(demo_url: str) -> None:
    code, _, err = run(
        "report",
        "themes",
        "--as",
        "employee@demo.peoplealign.example",
        "--by",
        "department",
        "--db",
        demo_url,
    )
    assert code == 4 and "error: denied" in err
