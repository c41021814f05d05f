"""`peoplealign users add|list` through the real Typer app."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from peoplealign.cli.app import app

runner = CliRunner()


def test_add_then_list_as_json(sqlite_url: str) -> None:
    added = runner.invoke(
        app,
        ["users", "add", "hr@example.org", "--roles", "hr_partner", "--db", sqlite_url, "--format", "json"],
        env={"PEOPLEALIGN_NEW_PASSWORD": "a-long-enough-password"},
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["roles"] == ["employee", "hr_partner"]
    listed = runner.invoke(app, ["users", "list", "--db", sqlite_url, "--format", "json"])
    assert listed.exit_code == 0
    assert [u["email"] for u in json.loads(listed.stdout)] == ["hr@example.org"]


def test_unknown_role_is_a_clear_error(sqlite_url: str) -> None:
    result = runner.invoke(
        app,
        ["users", "add", "x@example.org", "--roles", "boss", "--db", sqlite_url],
        env={"PEOPLEALIGN_NEW_PASSWORD": "a-long-enough-password"},
    )
    assert result.exit_code == 2
    assert "unknown role(s) boss" in result.output
