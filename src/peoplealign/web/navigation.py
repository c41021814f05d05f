"""Role-aware navigation: a link appears when the charter lets the actor's roles open that view
and the page exists in this build."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from peoplealign.web.charter_rules import views_for_roles


@dataclass(frozen=True)
class NavItem:
    view: str
    label: str
    url: str


# One row per page; later pages add a row here and their router in `web/app.py`.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("home", "Overview", "/"),
    NavItem("ethics_statement", "Ethics statement", "/ethics"),
    NavItem("api_docs", "API", "/docs"),
)


def navigation_for(roles: Iterable[str], page_exists: Callable[[str], bool]) -> list[NavItem]:
    allowed = views_for_roles(roles)
    return [item for item in NAV_ITEMS if item.view in allowed and page_exists(item.url)]


def item_for_view(view: str, page_exists: Callable[[str], bool]) -> NavItem | None:
    """The page for a view if it exists, for links that every signed-in user gets (the footer)."""
    return next((i for i in NAV_ITEMS if i.view == view and page_exists(i.url)), None)
