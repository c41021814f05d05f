"""Jinja2 set-up and the one `render` every page goes through, so the layout always knows who is
signed in, which links they may see and the form token."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Match

from peoplealign.accounts.roles import ALL_ROLES
from peoplealign.policy.actor import Actor
from peoplealign.web.csrf import FORM_FIELD, HEADER, csrf_token
from peoplealign.web.navigation import item_for_view, navigation_for

PRODUCT_NAME = "PeopleAlign"
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")

ROLE_LABELS = {
    "employee": "Employee",
    "manager": "Manager",
    "hr_partner": "HR business partner",
    "analyst": "People analyst",
    "executive": "Executive",
    "admin": "Administrator",
}


@pass_context
def csrf_field(context: Context) -> Markup:
    """`{{ csrf_field() }}` inside every POST form: the hidden token `verify_csrf` checks."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        context["csrf_field_name"], context["csrf_token"]
    )


def role_labels(roles: Iterable[str]) -> str:
    held = set(roles)
    return ", ".join(ROLE_LABELS.get(r, r) for r in ALL_ROLES if r in held)


def plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


TEMPLATES.env.globals.update(csrf_field=csrf_field, role_labels=role_labels)
TEMPLATES.env.filters["plural"] = plural


# Per app, whether each path asked about is served. Routes are fixed once the app starts, and
# matching a path against every route for every navigation link was a large part of each request.
_served: WeakKeyDictionary[Starlette, dict[str, bool]] = WeakKeyDictionary()


def serves_page(app: Starlette, path: str) -> bool:
    """Whether a GET of `path` reaches a route, so navigation links only to pages that exist."""
    known = _served.setdefault(app, {})
    if path not in known:
        scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "path_params": {}}
        known[path] = any(route.matches(scope)[0] is Match.FULL for route in app.router.routes)
    return known[path]


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    actor: Actor | None = getattr(request.state, "actor", None)

    def exists(path: str) -> bool:
        return serves_page(request.app, path)

    base = {
        "product_name": PRODUCT_NAME,
        "actor": actor,
        "nav": navigation_for(getattr(request.state, "views", ()), exists) if actor else [],
        "ethics_link": item_for_view("ethics_statement", exists),
        "csrf_token": csrf_token(request),
        "csrf_field_name": FORM_FIELD,
        "csrf_header": HEADER,
        "current_path": request.url.path,
    }
    return TEMPLATES.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status_code, headers=dict(headers or {})
    )
