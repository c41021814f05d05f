"""`peoplealign charter …` end to end on a SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peoplealign.accounts.users import add_user
from peoplealign.cli.app import app
from peoplealign.store.engine import session_scope

runner = CliRunner()


@pytest.fixture
def db(sqlite_url: str) -> str:
    with session_scope(sqlite_url) as s:
        add_user(s, "ceo@example.org", "a-long-password", "executive")
        add_user(s, "ana@example.org", "a-long-password", "analyst")
    return sqlite_url


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_the_default_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "charter.yaml"
    assert _run("charter", "init", str(target))[0] == 0
    assert "k_aggregate: 5" in target.read_text()
    code, _, err = _run("charter", "init", str(target))
    assert code != 0 and "--force" in err
    assert _run("charter", "init", str(target), "--force")[0] == 0


def test_validate_prints_each_problem_with_its_path(tmp_path: Path) -> None:
    target = tmp_path / "charter.yaml"
    _run("charter", "init", str(target))
    target.write_text(
        target.read_text().replace("k_aggregate: 5", "k_aggregate: -1").replace("delete", "shred", 1)
    )
    code, _, err = _run("charter", "validate", str(target))
    assert code == 2
    assert f"{target}: thresholds.k_aggregate: expected integer ≥ 2 (got -1)" in err
    assert "data_sources[1].after_retention: expected one of delete, anonymise (got 'shred')" in err
    code, out, _ = _run("charter", "validate", str(target), "--format", "json")
    assert code == 2 and len(json.loads(out)["problems"]) == 2
    assert _run("charter", "validate", str(tmp_path / "missing.yaml"))[0] == 2


def test_apply_approve_show_diff_and_statement(db: str, tmp_path: Path) -> None:
    target = tmp_path / "charter.yaml"
    _run("charter", "init", str(target))
    target.write_text(target.read_text().replace("k_comments: 10", "k_comments: 4"))
    code, out, _ = _run(
        "charter", "apply", str(target), "--as", "ana@example.org", "--db", db, "--format", "json"
    )
    assert code == 0 and json.loads(out)["version"] == 1
    code, out, _ = _run("charter", "diff", "--db", db)
    assert code == 0 and "thresholds.k_comments: 10 → 4" in out
    code, _, err = _run(
        "charter", "approve", "--version", "1", "--as", "ana@example.org", "--note", "x", "--db", db
    )
    assert code != 0 and "only an executive" in err
    code, _, err = _run(
        "charter", "approve", "--version", "1", "--as", "ceo@example.org", "--note", "x", "--db", db
    )
    assert code != 0 and "--accept-loosening" in err and "k_comments lowered to 4" in err
    code, _, _ = _run(
        "charter",
        "approve",
        "--version",
        "1",
        "--as",
        "ceo@example.org",
        "--note",
        "small org",
        "--accept-loosening",
        "--db",
        db,
    )
    assert code == 0
    code, out, _ = _run("charter", "show", "--db", db, "--format", "json")
    shown = json.loads(out)
    assert code == 0 and shown["version"] == 1 and shown["document"]["thresholds"]["k_comments"] == 4
    code, out, _ = _run("charter", "show", "--version", "0", "--db", db, "--format", "json")
    assert json.loads(out)["is_default"] is True
    code, out, _ = _run("charter", "statement", "--db", db)
    assert code == 0 and "at least **4 people**" in out
    html = tmp_path / "statement.html"
    assert _run("charter", "statement", "--format", "html", "--output", str(html), "--db", db)[0] == 0
    assert "<strong>4 people</strong>" in html.read_text()
    code, out, _ = _run("audit", "log", "--db", db, "--format", "json")
    assert [e["action"] for e in json.loads(out)] == ["charter.approve", "charter.apply"]


def test_unknown_acting_user_is_a_clear_error(db: str, tmp_path: Path) -> None:
    target = tmp_path / "charter.yaml"
    _run("charter", "init", str(target))
    code, _, err = _run("charter", "apply", str(target), "--as", "nobody@example.org", "--db", db)
    assert code == 3 and "no active user 'nobody@example.org'" in err


def test_enforce_retention_dry_run_and_run(db: str) -> None:
    code, out, _ = _run("charter", "enforce-retention", "--dry-run", "--db", db, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["dry_run"] is True and len(report["sources"]) == 8
    code, out, _ = _run("charter", "enforce-retention", "--db", db)
    assert code == 0 and "removed or anonymised 0 rows" in out
    code, out, _ = _run("audit", "log", "--actor", "system:retention", "--db", db, "--format", "json")
    assert [e["action"] for e in json.loads(out)] == ["retention.enforce"]
