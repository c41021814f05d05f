"""What the charter in force says about which pages an actor's roles may open and how much of the
organisation tree they see. The web reads it once per request (`current_charter`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from peoplealign.alignment.organisation import SCOPE_BY_CHARTER_NAME, OrgScope
from peoplealign.policy.charter import CharterDocument

# Tooling pages that hold no personal data and so are not the charter's business.
TOOLING_VIEWS: Mapping[str, frozenset[str]] = {
    "api_docs": frozenset({"analyst", "admin"}),
}


def views_for_roles(charter: CharterDocument, roles: Iterable[str]) -> frozenset[str]:
    roles = frozenset(roles)
    tooling = {view for view, allowed in TOOLING_VIEWS.items() if roles & allowed}
    return frozenset(charter.views_for(roles) | tooling)


def org_scope_for_roles(charter: CharterDocument, roles: Iterable[str]) -> OrgScope:
    """The widest scope the roles have; a scope this page does not know grants nothing extra."""
    return SCOPE_BY_CHARTER_NAME.get(charter.scope_for(roles), OrgScope.DEPARTMENTS)
