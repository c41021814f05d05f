"""Typed errors that the CLI and the web turn into clear messages instead of tracebacks."""

from __future__ import annotations


class PeopleAlignError(Exception):
    """Base for every error a user can cause and fix; `exit_code` is what the CLI returns."""

    exit_code = 1


class NotFoundError(PeopleAlignError):
    exit_code = 3


class InvalidInputError(PeopleAlignError):
    exit_code = 2


class PermissionDeniedError(PeopleAlignError):
    """The request is well-formed but the actor may not do it; the web answers 403."""

    exit_code = 4
