"""Role-aware navigation: a link appears when the charter lets the actor's roles open that view
and the page exists in this build."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    view: str
    label: str
    url: str


# One row per page; later pages add a row here and their router in `web/app.py`.
NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("home", "Overview", "/"),
    NavItem("town_hall", "Town hall", "/town-hall"),
    NavItem("ethics_statement", "Ethics statement", "/ethics"),
    NavItem("my_data", "My data", "/my-data"),
    NavItem("check_ins", "Check-ins", "/check-ins"),
    NavItem("recommendation_queue", "Recommendations", "/decisions/queue"),
    NavItem("decisions", "Career decisions", "/decisions"),
    NavItem("people", "Correction requests", "/people/corrections"),
    NavItem("workshops", "Workshops", "/workshops"),
    NavItem("metrics", "Metrics", "/metrics"),
    NavItem("context_requests", "Context requests", "/context"),
    NavItem("coaching", "Coaching", "/coaching"),
    NavItem("listening", "Listening", "/listening"),
    NavItem("alignment", "Alignment", "/alignment"),
    NavItem("roi", "People ROI", "/roi"),
    NavItem("models", "Model cards", "/models"),
    NavItem("reports", "Well-being", "/wellbeing"),
    NavItem("audit", "Audit trail", "/audit"),
    NavItem("api_docs", "API", "/docs"),
)


def navigation_for(views: Iterable[str], page_exists: Callable[[str], bool]) -> list[NavItem]:
    """Links to the pages among `views` (what the charter opens to the actor) that exist."""
    allowed = frozenset(views)
    return [item for item in NAV_ITEMS if item.view in allowed and page_exists(item.url)]


def item_for_view(view: str, page_exists: Callable[[str], bool]) -> NavItem | None:
    """The page for a view if it exists, for links that every signed-in user gets (the footer)."""
    return next((i for i in NAV_ITEMS if i.view == view and page_exists(i.url)), None)
