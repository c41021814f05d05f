"""`peoplealign townhall`: the same numbers and posts as the page's API for every role, and answers
only from leaders, only to published posts."""

from __future__ import annotations

import json
from typing import Any

from decisions_helpers import EMAILS, Org, sign_in, small_cycle, writers
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.decisions.town_hall import submit_post
from peoplealign.store.engine import session_scope
from peoplealign.web.app import create_app


def _townhall(org: Org, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["townhall", *args, "--db", org.url])
    return result.exit_code, result.stdout, result.stderr


def _show(org: Org, who: str) -> dict[str, Any]:
    code, out, err = _townhall(org, "show", "--as", EMAILS[who], "--format", "json")
    assert code == 0, err
    return dict(json.loads(out))


def test_show_matches_the_api_and_answers_need_a_leader(sqlite_org: Org) -> None:
    org = sqlite_org
    small_cycle(org)
    charter = org.charter()
    with session_scope(org.url) as session:
        for writer in writers(org, charter.k_comments):
            submit_post(session, charter, writer, "engagement", "question", "When do we hear back?")
        submit_post(session, charter, org.actors["employee"], "enps", "story", "Waiting for company.")
    with TestClient(create_app(org.url), base_url="https://testserver") as client:
        sign_in(client, "employee")
        api = client.get("/api/v1/town-hall").json()
    shown = _show(org, "employee")
    assert shown == api, "the CLI publishes exactly what the page's API does"
    assert _show(org, "executive")["charts"] == shown["charts"]
    engagement = next(c for c in shown["charts"] if c["key"] == "engagement")
    assert [(p["value"], p["suppressed"]) for p in engagement["points"]] == [(None, True)]
    assert shown["posts"]["enps"] == {
        "chart": "enps",
        "k": charter.k_comments,
        "count": 1,
        "writers": 1,
        "waiting": 1,
        "published": [],
    }
    published = shown["posts"]["engagement"]["published"]
    assert len(published) == charter.k_comments
    code, out, _ = _townhall(org, "show", "--as", EMAILS["employee"])
    assert code == 0 and "hidden (" in out and "1 post(s) from 1 people waiting" in out

    post_id = str(published[0]["id"])
    code, _, err = _townhall(org, "answer", post_id, "--as", EMAILS["employee"], "--text", "Me again")
    assert code == 4 and "executive" in err
    code, _, err = _townhall(org, "answer", "9999", "--as", EMAILS["executive"], "--text", "Soon.")
    assert code == 3
    waiting_id = str(len(published) + 1)
    code, _, err = _townhall(org, "answer", waiting_id, "--as", EMAILS["executive"], "--text", "Soon.")
    assert code == 2 and "not published yet" in err
    code, out, err = _townhall(
        org, "answer", post_id, "--as", EMAILS["executive"], "--text", "Within two weeks.", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["answer"] == "Within two weeks."
    assert _show(org, "employee")["posts"]["engagement"]["published"][0]["answer"] == "Within two weeks."
