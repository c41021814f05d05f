"""Which snapshots a read computed rather than found in `policy.snapshots`: how the listening tests
tell a cached read from a computed one."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import pytest

from peoplealign.policy import snapshots


def counting_computations(monkeypatch: pytest.MonkeyPatch, kind: str) -> list[Hashable]:
    """Patch `snapshots.cached` to note the key of every `kind` snapshot computed (keys are tuples
    that start with their kind)."""
    computed: list[Hashable] = []
    original = snapshots.cached

    def counting(session: Any, key: Hashable, compute: Callable[[], Any]) -> Any:
        def noted() -> Any:
            if isinstance(key, tuple) and key[0] == kind:
                computed.append(key)
            return compute()

        return original(session, key, noted)

    monkeypatch.setattr(snapshots, "cached", counting)
    return computed
