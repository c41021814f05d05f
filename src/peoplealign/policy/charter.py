"""The People Alignment Charter: one import for the document, its versions and their differences.

Services read the charter in force with `active_charter(session)`; the CLI and web change it with
`apply` (a draft) and `approve` (an executive activates it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from peoplealign.policy.charter_diff import Change, diff_documents
from peoplealign.policy.charter_document import (
    Audience,
    CharterDocument,
    CharterValidationError,
    Contact,
    DataSource,
    DecisionRule,
    Fairness,
    MetricConsensus,
    NorthStarObjective,
    ProhibitedUse,
    default_yaml,
    load_default,
    parse_yaml,
    validate_document,
)
from peoplealign.policy.charter_loosening import loosenings
from peoplealign.policy.charter_store import (
    CharterPermissionError,
    LooseningNotAcceptedError,
    active_charter,
    apply,
    approve,
    document_at,
    get_version,
    latest_version,
    list_versions,
)

__all__ = [
    "Audience",
    "Change",
    "CharterDocument",
    "CharterPermissionError",
    "CharterValidationError",
    "Contact",
    "DataSource",
    "DecisionRule",
    "Fairness",
    "LooseningNotAcceptedError",
    "MetricConsensus",
    "NorthStarObjective",
    "ProhibitedUse",
    "active_charter",
    "apply",
    "approve",
    "default_yaml",
    "diff",
    "document_at",
    "get_version",
    "latest_version",
    "list_versions",
    "load_default",
    "loosenings",
    "parse_yaml",
    "validate_document",
]


def diff(session: Session, from_version: int | None = None, to_version: int | None = None) -> list[Change]:
    """Changes from one version to another. Version 0 is the packaged default; by default the
    newest version is compared with the one in force."""
    to_doc = document_at(session, to_version if to_version is not None else latest_version(session))
    from_doc = active_charter(session) if from_version is None else document_at(session, from_version)
    return diff_documents(from_doc.as_dict(), to_doc.as_dict())
