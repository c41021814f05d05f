"""What the active charter says about who may open which page and see how much of the tree.

The web reads the charter through this module only, so the source of the document is one
function (`active_charter`) to change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from peoplealign.alignment.organisation import SCOPE_BY_CHARTER_NAME, OrgScope

DEFAULT_K = 5

# Tooling pages that hold no personal data and so are not the charter's business.
TOOLING_VIEWS: Mapping[str, frozenset[str]] = {
    "api_docs": frozenset({"analyst", "admin"}),
}


@lru_cache(maxsize=1)
def active_charter() -> Mapping[str, Any]:
    """The charter in force: the packaged strict default."""
    text = resources.files("peoplealign.policy").joinpath("default_charter.yaml").read_text("utf-8")
    document: Mapping[str, Any] = yaml.safe_load(text)
    return document


def _audiences(roles: Iterable[str]) -> list[Mapping[str, Any]]:
    audiences: Mapping[str, Any] = active_charter().get("audiences", {})
    return [audiences[r] for r in roles if r in audiences]


def views_for_roles(roles: Iterable[str]) -> frozenset[str]:
    roles = frozenset(roles)
    views = {v for audience in _audiences(roles) for v in audience.get("views", [])}
    views.update(view for view, allowed in TOOLING_VIEWS.items() if roles & allowed)
    return frozenset(views)


def org_scope_for_roles(roles: Iterable[str]) -> OrgScope:
    """The broadest scope any of the roles has; unknown scopes grant nothing extra."""
    scopes = [SCOPE_BY_CHARTER_NAME.get(a.get("scope", ""), OrgScope.DEPARTMENTS) for a in _audiences(roles)]
    return max(scopes, default=OrgScope.DEPARTMENTS)


def k_aggregate() -> int:
    return int(active_charter().get("thresholds", {}).get("k_aggregate", DEFAULT_K))
