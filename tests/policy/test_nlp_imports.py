"""Redaction loads spaCy and Presidio without importing torch or transformers, and leaves both
importable afterwards."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from peoplealign.policy.nlp_imports import without_unused_torch

FRESH_PROCESS = """
import importlib.util, sys
from peoplealign.policy.redaction import Redactor
redacted = Redactor().redact("Call Maria Lopez at +44 20 7946 0958 or maria.lopez@acme.com")
assert redacted == "Call <PERSON> at <PHONE> or <EMAIL>", redacted
assert "torch" not in sys.modules and "transformers" not in sys.modules, "torch was imported"
print("ok")
"""


def test_redactor_loads_without_torch_in_a_fresh_process() -> None:
    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_hidden_only_inside_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.delitem(sys.modules, "transformers", raising=False)
    with without_unused_torch(), pytest.raises(ImportError):
        import torch  # noqa: F401
    assert "torch" not in sys.modules and "transformers" not in sys.modules


def test_an_already_imported_torch_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = types.ModuleType("torch")
    monkeypatch.setitem(sys.modules, "torch", loaded)
    with without_unused_torch():
        import torch

        assert torch is loaded
    assert sys.modules["torch"] is loaded
