"""The ethics statement says everything the enforced charter says, and changes when it does."""

from __future__ import annotations

import pytest

from peoplealign.errors import InvalidInputError
from peoplealign.policy import charter
from peoplealign.policy.actor import Actor
from peoplealign.policy.statement import PURPOSE_TEXT, ROLE_TEXT, render_statement
from peoplealign.store.engine import session_scope


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_source_purpose_audience_and_retention_appears(fmt: str) -> None:
    document = charter.load_default()
    text = render_statement(document, fmt)  # type: ignore[arg-type]
    for source in document.sources:
        assert source.name in text
        assert f"{source.retention_days} days" in text
        for purpose in source.purposes:
            assert purpose in text and PURPOSE_TEXT[purpose] in text
    for audience in document.audiences:
        assert f"{audience.role}" in text and ROLE_TEXT[audience.role] in text
    for use in document.prohibited_uses:
        assert use.description.replace("'", "&#39;") in text or use.description in text
    for contact in document.contacts:
        assert contact.email in text
    assert "fewer than" in text and "5 people" in text and "10 people" in text
    assert "access log" in text and "correction" in text and "version 0" in text


def test_html_is_escaped_and_standalone() -> None:
    text = charter.default_yaml().replace("name: Works council", "name: <script>alert(1)</script> council")
    html = render_statement(charter.parse_yaml(text), "html")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("<!DOCTYPE html>")
    fragment = render_statement(charter.parse_yaml(text), "html", fragment=True)
    assert fragment.startswith("<article") and "<html" not in fragment


def test_unknown_format_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        render_statement(charter.load_default(), "pdf")  # type: ignore[arg-type]


def test_statement_follows_the_approved_charter(sqlite_url: str) -> None:
    edited = (
        charter.default_yaml()
        .replace("k_aggregate: 5", "k_aggregate: 8")
        .replace("retention_days: 365", "retention_days: 180")
        .replace("organisation: Your organisation", "organisation: Acme Robotics")
    )
    analyst = Actor(email="ana@example.org", roles=frozenset({"analyst"}))
    ceo = Actor(email="ceo@example.org", roles=frozenset({"executive"}))
    with session_scope(sqlite_url) as s:
        before = render_statement(charter.active_charter(s), "md")
        charter.apply(s, edited, analyst)
        assert render_statement(charter.active_charter(s), "md") == before
        charter.approve(s, 1, ceo, "stricter")
        after = render_statement(charter.active_charter(s), "md")
    assert "Acme Robotics" in after and "8 people" in after and "180 days" in after
    assert "365 days" in before and "365 days" not in after
    assert "version 1" in after and "ceo@example.org" in after
