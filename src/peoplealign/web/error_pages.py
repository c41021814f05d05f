"""How a failed request is shown: a page for people, JSON under /api for programs."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from peoplealign.errors import NotFoundError, PeopleAlignError, PermissionDeniedError
from peoplealign.policy.engine import PolicyDenied
from peoplealign.web.problems import LoginRequired, WebProblem
from peoplealign.web.templating import render

API_PREFIX = "/api/"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _render_problem(
    request: Request,
    status: int,
    title: str,
    message: str,
    headers: dict[str, str],
    details: Mapping[str, str] | None = None,
) -> Response:
    """`details` (e.g. the charter rule that refused) go into the JSON body and under the message."""
    if wants_json(request):
        return JSONResponse({"detail": message, **(details or {})}, status_code=status, headers=headers)
    return render(
        request,
        "error.html",
        {"title": title, "message": message, "status_code": status, "details": details or {}},
        status_code=status,
        headers=headers,
    )


async def _web_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebProblem)
    if isinstance(exc, LoginRequired) and not wants_json(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = "/login" if target == "/" else f"/login?{urlencode({'next': target})}"
        return RedirectResponse(login, status_code=303)
    return _render_problem(request, exc.status_code, exc.title, exc.message, exc.headers)


def _policy_denied(request: Request, exc: PolicyDenied) -> Response:
    """Names the refused read and the charter rule, for people and programs alike."""
    if wants_json(request):
        message = str(exc)
    else:
        message = (
            f"The People Alignment Charter does not allow this: {exc.decision.reason}. "
            "The refusal has been recorded in the audit trail. If you need this for your work, "
            "ask an administrator."
        )
    details = {
        "rule": exc.decision.rule,
        "action": exc.action,
        "resource": exc.resource,
        "purpose": exc.purpose,
    }
    return _render_problem(request, 403, "Not allowed by the charter", message, {}, details)


async def _domain_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, PolicyDenied):
        return _policy_denied(request, exc)
    if isinstance(exc, PermissionDeniedError):
        return _render_problem(request, 403, "Not available to you", str(exc), {})
    status = 404 if isinstance(exc, NotFoundError) else 400
    title = "Not found" if status == 404 else "That did not work"
    return _render_problem(request, status, title, str(exc), {})


HTTP_TITLES = {404: "Page not found", 405: "Not allowed here"}
HTTP_MESSAGES = {
    404: "There is no page at this address. Use the navigation to find what you need.",
    405: "This address does not accept that kind of request.",
}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
    title = HTTP_TITLES.get(exc.status_code, "Something went wrong")
    message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
    return _render_problem(request, exc.status_code, title, message, headers)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WebProblem, _web_problem)
    app.add_exception_handler(PeopleAlignError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
