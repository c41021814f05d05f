"""What changed between two charter versions, in the words an approver needs before signing.

Lists of records are matched by their identity (`key`, `code`, `type`, `role`), so reordering a
section is not a change and an edit is reported on the record it touches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

IDENTITY_KEYS = ("key", "code", "type", "role")


@dataclass(frozen=True)
class Change:
    path: str
    kind: str  # added | removed | changed
    before: Any = None
    after: Any = None

    def describe(self) -> str:
        if self.kind == "added":
            return f"+ {self.path}: {self.after!r}"
        if self.kind == "removed":
            return f"- {self.path}: {self.before!r}"
        return f"~ {self.path}: {self.before!r} → {self.after!r}"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "before": self.before, "after": self.after}


def _identity(items: list[Any]) -> str | None:
    """The field that names each record of a list, if every record has one."""
    if not items or not all(isinstance(i, Mapping) for i in items):
        return None
    return next((k for k in IDENTITY_KEYS if all(k in i for i in items)), None)


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


def diff_documents(before: Any, after: Any, path: str = "") -> list[Change]:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        changes: list[Change] = []
        for key in list(before) + [k for k in after if k not in before]:
            sub = _join(path, str(key))
            if key not in after:
                changes.append(Change(sub, "removed", before=before[key]))
            elif key not in before:
                changes.append(Change(sub, "added", after=after[key]))
            else:
                changes.extend(diff_documents(before[key], after[key], sub))
        return changes
    if isinstance(before, list) and isinstance(after, list):
        return _diff_lists(before, after, path)
    return [] if before == after else [Change(path, "changed", before, after)]


def _diff_lists(before: list[Any], after: list[Any], path: str) -> list[Change]:
    key = _identity(before + after)
    if key is not None:
        old = {str(i[key]): i for i in before}
        new = {str(i[key]): i for i in after}
        return diff_documents(old, new, path)
    if all(not isinstance(i, Mapping | list) for i in before + after):
        removed = [i for i in before if i not in after]
        added = [i for i in after if i not in before]
        return [Change(path, "removed", before=i) for i in removed] + [
            Change(path, "added", after=i) for i in added
        ]
    return [] if before == after else [Change(path, "changed", before, after)]
