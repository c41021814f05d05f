"""Health, docs, vendored scripts served locally, no external URLs, hardened headers."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from peoplealign.web.app import create_app

EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_healthz_checks_the_database(client: TestClient, tmp_path: object) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    with TestClient(create_app("sqlite:////nonexistent-dir/x.db"), base_url="https://testserver") as broken:
        response = broken.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_openapi_docs_are_self_hosted(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/vendor/swagger-ui/swagger-ui.css").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/me", "/api/v1/organisation", "/healthz"} <= set(paths)
    assert "/login" not in paths


def test_plotly_and_htmx_are_served_locally(client: TestClient) -> None:
    plotly = client.get("/static/vendor/plotly.min.js")
    assert plotly.status_code == 200
    assert plotly.headers["content-type"].startswith("text/javascript")
    assert len(plotly.content) > 1_000_000
    assert b"plotly.js" in plotly.content[:500]
    htmx = client.get("/static/vendor/htmx.min.js")
    assert htmx.status_code == 200
    assert b"htmx.org 2." in htmx.content[:200]
    for asset in ("/static/app.css", "/static/app.js", "/static/favicon.svg"):
        assert client.get(asset).status_code == 200


def test_no_page_loads_anything_from_another_site(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("analyst")
    pages = ["/", "/docs", "/no-such-page"]
    texts = [client.get(p).text for p in pages]
    client.cookies.clear()
    texts += [client.get("/login").text, client.post("/login", data={}).text]
    for text in texts:
        assert "<script" in text or "<link" in text
        assert not EXTERNAL.search(text), EXTERNAL.search(text)


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "'unsafe-inline'" in client.get("/docs").headers["content-security-policy"].split("script-src")[1]


def test_unknown_page_has_a_friendly_404(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert client.get("/api/v1/no-such-thing").json() == {"detail": "Not Found"}
