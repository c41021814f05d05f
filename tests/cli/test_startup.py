"""`peoplealign --help` must answer fast: heavy libraries are imported only where they are used."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["pandas", "numpy", "sklearn", "torch", "spacy", "presidio_analyzer", "plotly", "fastapi", "uvicorn"]


def test_cli_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, json; import peoplealign.cli.app; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_help_lists_commands_and_exits_zero() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "peoplealign", "--help"], capture_output=True, text=True, check=True
    )
    assert "users" in out.stdout and "db" in out.stdout
