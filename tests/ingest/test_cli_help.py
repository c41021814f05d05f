"""`peoplealign import --help` is written out by hand (so it needs no pandas); keep it true to the kinds."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.ingest.kinds.registry import KINDS


def test_help_lists_every_kind_with_its_columns_in_order() -> None:
    result = CliRunner().invoke(app, ["import", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    text = re.sub(r"[\s│]+", " ", result.output)
    for name, kind in KINDS.items():
        columns = [
            rf"\b{re.escape(c.name)}\*" if c.required else rf"\b{c.name}\b(?!\*)" for c in kind.columns
        ]
        assert re.search(rf" {re.escape(name)}: " + ".*?".join(columns), text), name
