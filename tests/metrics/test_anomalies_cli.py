"""`peoplealign anomalies detect|list|annotate` and `peoplealign coaching prompts|publish` on the
small synthetic organisation: JSON for machines, exit code 0 only on success, clear refusals."""

from __future__ import annotations

import json

from test_anomalies import _build
from typer.testing import CliRunner

from peoplealign.cli.app import app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_detect_list_annotate_and_coaching_from_the_command_line(sqlite_url: str) -> None:
    _build(sqlite_url)
    db = ["--db", sqlite_url]
    code, out, err = run("anomalies", "detect", "--format", "json", *db)
    assert code == 0, err
    run_summary = json.loads(out)
    assert len(run_summary["created"]) == 1 and run_summary["model_version"]
    code, out, _ = run("anomalies", "detect", *db)
    assert code == 0 and "0 new flag(s), 1 already known" in out

    code, out, err = run("anomalies", "list", "--as", "a@x.org", "--status", "open", "--format", "json", *db)
    assert code == 0, err
    (flag,) = json.loads(out)
    assert flag["unit_code"] == "A" and flag["explanation"] and flag["annotations"] == []

    code, _, err = run("anomalies", "list", "--as", "e@x.org", *db)
    assert code == 4 and "may not read aggregate of 'activity'" in err
    note = ["--anomaly", str(flag["id"]), "--category", "planned_event", "--text", "Offsite"]
    code, _, err = run("anomalies", "annotate", "--as", "b@x.org", *note, *db)
    assert code == 4 and "not in the actor's own reporting subtree" in err
    code, _, err = run(
        "anomalies", "annotate", "--as", "a@x.org", *note[:2], "--category", "party", "--text", "x", *db
    )
    assert code == 2 and "category must be one of" in err
    code, out, err = run("anomalies", "annotate", "--as", "a@x.org", *note, "--format", "json", *db)
    assert code == 0, err
    assert json.loads(out)["explained_anomalies"] == [flag["id"]]

    code, out, err = run(
        "coaching", "prompts", "--as", "an@x.org", "--as-of", "2026-07-27", "--format", "json", *db
    )
    assert code == 0, err
    assert json.loads(out) == [], "no team changed against a year earlier: there is no year earlier"
    code, out, err = run("coaching", "publish", "--format", "json", *db)
    assert code == 0 and json.loads(out) == {"created": []}, err
    code, _, err = run("coaching", "prompts", "--as", "nobody@x.org", *db)
    assert code == 3 and "no active user" in err
