"""The web application factory: middleware, error pages, static files and the list of routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from peoplealign import __version__
from peoplealign.store.engine import dispose_all, get_engine, resolve_url, session_factory
from peoplealign.web import sessions
from peoplealign.web.csrf import verify_csrf
from peoplealign.web.error_pages import install_problem_handlers
from peoplealign.web.ratelimit import LoginRateLimiter
from peoplealign.web.routers import audit_log, auth, ethics, insights, organisation, system
from peoplealign.web.routers import check_ins as check_in_pages
from peoplealign.web.routers import context as context_pages
from peoplealign.web.routers import decisions as decision_pages
from peoplealign.web.routers import listening as listening_pages
from peoplealign.web.routers import metrics as metric_pages
from peoplealign.web.routers import models as model_pages
from peoplealign.web.routers import my_data as my_data_pages
from peoplealign.web.routers import reports as survey_reports
from peoplealign.web.routers import town_hall as town_hall_pages
from peoplealign.web.scheduled_jobs import audit_verify_job, retention_job, running
from peoplealign.web.secret_key import load_secret_key
from peoplealign.web.security_headers import SecurityHeadersMiddleware
from peoplealign.web.warm_up import warm_up_job

STATIC_DIR = Path(__file__).parent / "static"

# Every area's router, in the order their routes are matched. Add yours here.
ROUTERS = (
    system.router,
    auth.router,
    organisation.router,
    survey_reports.router,
    ethics.router,
    audit_log.router,
    listening_pages.router,
    metric_pages.router,
    context_pages.router,
    decision_pages.router,
    town_hall_pages.router,
    my_data_pages.router,
    check_in_pages.router,
    insights.router,
    model_pages.router,
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with running(app.state.scheduled_jobs):
        yield
    dispose_all()


def create_app(
    db_url: str | None = None,
    *,
    secure_cookies: bool = True,
    run_scheduled_jobs: bool = False,
    warm_caches: bool | None = None,
) -> FastAPI:
    """The app for one database. The schema must already be current (`peoplealign serve` migrates).

    `secure_cookies=False` is only for plain-HTTP deployments that are not on localhost: browsers
    treat http://127.0.0.1 and http://localhost as secure, so Secure cookies work there.
    `run_scheduled_jobs=True` (what `peoplealign serve` and `up` use) enforces retention and verifies
    the whole audit chain daily while the app runs; tests leave it off. `warm_caches` (by default with
    the scheduled jobs) computes the organisation-wide dashboards in the background after start-up and
    after each data change."""
    url = resolve_url(db_url)
    app = FastAPI(
        title="PeopleAlign",
        version=__version__,
        description="People analytics your employees can trust. Every read is checked against the "
        "People Alignment Charter. Sign in through the web page first: the API uses the same session "
        "cookie, and requests that change data must send the `X-CSRF-Token` header.",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(verify_csrf)],
        lifespan=_lifespan,
    )
    app.state.db_url = url
    app.state.engine = get_engine(url)
    app.state.session_factory = session_factory(url)
    app.state.login_limiter = LoginRateLimiter()
    app.state.scheduled_jobs = (
        (retention_job(app.state.session_factory), audit_verify_job(app.state.session_factory))
        if run_scheduled_jobs
        else ()
    )
    if run_scheduled_jobs if warm_caches is None else warm_caches:
        app.state.scheduled_jobs += (warm_up_job(app.state.session_factory),)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=load_secret_key(),
        session_cookie=sessions.COOKIE_NAME,
        max_age=sessions.MAX_AGE_SECONDS,
        same_site="lax",
        https_only=secure_cookies,
    )
    install_problem_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount(system.SWAGGER_STATIC, StaticFiles(directory=system.swagger_ui_dir()), name="swagger-ui")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
