"""What the charter in force says about which pages an actor's roles may open. The web reads it once
per request (`current_charter`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from peoplealign.policy.charter import CharterDocument

# Tooling pages that hold no personal data and so are not the charter's business.
TOOLING_VIEWS: Mapping[str, frozenset[str]] = {
    "api_docs": frozenset({"analyst", "admin"}),
}


def views_for_roles(charter: CharterDocument, roles: Iterable[str]) -> frozenset[str]:
    roles = frozenset(roles)
    tooling = {view for view, allowed in TOOLING_VIEWS.items() if roles & allowed}
    return frozenset(charter.views_for(roles) | tooling)
