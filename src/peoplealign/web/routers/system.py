"""Operations and tooling: health check, self-hosted API docs and the vendored script bundles."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from peoplealign.errors import PeopleAlignError

router = APIRouter()

SWAGGER_STATIC = "/static/vendor/swagger-ui"


def plotly_bundle_path() -> Path:
    """`plotly.min.js` as shipped inside the installed `plotly` package: no CDN, works offline."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def swagger_ui_dir() -> Path:
    """Swagger UI 5 (OpenAPI 3.1) as shipped in the `swagger-ui-py` package, found without importing
    its framework adapters."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise PeopleAlignError("the swagger-ui-py package is missing; reinstall peoplealign")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@router.get("/healthz", tags=["operations"])
def healthz(request: Request) -> JSONResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/static/vendor/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    return FileResponse(plotly_bundle_path(), media_type="text/javascript")


@router.get("/docs", include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        swagger_js_url=f"{SWAGGER_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_STATIC}/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )
