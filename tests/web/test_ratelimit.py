"""Five failed sign-ins per email and address in 15 minutes, then 429 with Retry-After."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_helpers import PASSWORD, form_token

from peoplealign.web.ratelimit import LoginRateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_blocks_after_max_failures_and_forgets_after_the_window() -> None:
    clock = FakeClock()
    limiter = LoginRateLimiter(max_failures=3, window_seconds=60, clock=clock)
    for _ in range(3):
        assert limiter.retry_after("A@x.org", "1.2.3.4") == 0
        limiter.record_failure("a@x.org", "1.2.3.4")
        clock.now += 10
    assert limiter.retry_after("a@x.org", "1.2.3.4") == 30
    assert limiter.retry_after("a@x.org", "5.6.7.8") == 0
    assert limiter.retry_after("b@x.org", "1.2.3.4") == 0
    clock.now += 31
    assert limiter.retry_after("a@x.org", "1.2.3.4") == 0


def test_success_resets_the_count() -> None:
    limiter = LoginRateLimiter(max_failures=2, window_seconds=60, clock=FakeClock())
    limiter.record_failure("a@x.org", "ip")
    limiter.reset("a@x.org", "ip")
    limiter.record_failure("a@x.org", "ip")
    assert limiter.retry_after("a@x.org", "ip") == 0


def _attempt(client: TestClient, email: str, password: str) -> int:
    token = form_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False
    )
    return response.status_code


def test_sixth_attempt_is_throttled_even_with_the_right_password(client: TestClient) -> None:
    for _ in range(5):
        assert _attempt(client, "ana@example.org", "wrong password!") == 400
    token = form_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-in attempts" in response.text
    assert "Try again in about 15 minutes" in response.text
    assert client.get("/api/v1/me").status_code == 401
    assert _attempt(client, "emp@example.org", PASSWORD) == 303
