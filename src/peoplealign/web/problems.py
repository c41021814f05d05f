"""The errors a web request can end in; `error_pages` shows them."""

from __future__ import annotations


class WebProblem(Exception):
    """An error with a status, a title for the page and a message that says what to do."""

    status_code = 400
    title = "Something went wrong"

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class LoginRequired(WebProblem):
    status_code = 401
    title = "Please sign in"

    def __init__(self) -> None:
        super().__init__("Sign in to continue.")


class AccessDenied(WebProblem):
    status_code = 403
    title = "Not available to you"


class CsrfRejected(WebProblem):
    status_code = 403
    title = "This form has expired"

    def __init__(self) -> None:
        super().__init__(
            "The form was missing its security token or the token did not match your session. "
            "Go back, reload the page and submit it again. If this keeps happening, allow cookies "
            "for this site."
        )


class TooManyAttempts(WebProblem):
    status_code = 429
    title = "Too many sign-in attempts"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Too many failed sign-in attempts for this email from your network. "
            f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}, or ask an administrator "
            "to reset your password.",
            headers={"Retry-After": str(retry_after)},
        )
