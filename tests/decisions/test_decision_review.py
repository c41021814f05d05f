"""A decision that names a second reviewer has no effect until that reviewer, and nobody else, confirms
it with a note of their own; the person it is about sees where it stands. Service tests run on every
backend; the CLI and the API are checked end to end on SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from decisions_helpers import EMAILS, Org, csrf_token, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.decisions.career_decisions import DecisionRefused, record_decision, review_decision
from peoplealign.decisions.my_data import my_data
from peoplealign.errors import InvalidInputError
from peoplealign.policy.charter_document import CharterDocument, load_default
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent
from peoplealign.web.app import create_app

RATIONALE = "Repeated, documented breaches of the safety policy after two warnings."


def _termination(org: Org, subject: str = "P1") -> dict[str, Any]:
    with session_scope(org.url) as session:
        return record_decision(
            session,
            org.charter(),
            decision_type="termination",
            subject=subject,
            decided_by=EMAILS["hr"],
            rationale=RATIONALE,
            second_reviewer=EMAILS["hr2"],
        ).as_dict()


def _review(org: Org, who: str, decision_id: int, confirm: bool, note: str | None) -> dict[str, Any]:
    with session_scope(org.url) as session:
        return review_decision(
            session, org.charter(), org.actors[who], decision_id, confirm=confirm, note=note
        ).as_dict()


def _review_events(org: Org, outcome: str) -> list[AuditEvent]:
    with session_scope(org.url) as session:
        query = select(AuditEvent).where(
            AuditEvent.action == "decision.review", AuditEvent.outcome == outcome
        )
        return list(session.scalars(query.order_by(AuditEvent.id)))


def _status_seen_by_subject(org: Org) -> list[tuple[str, str | None]]:
    with session_scope(org.url) as session:
        data = my_data(session, org.charter(), org.actors["employee"])
        return [(d.status, d.review_note) for d in data.decisions]


def test_only_the_named_reviewer_makes_a_termination_effective(org: Org) -> None:
    recorded = _termination(org)
    assert recorded["status"] == "pending_review" and recorded["reviewed_at"] is None
    assert _status_seen_by_subject(org) == [("pending_review", None)]
    for who in ("hr", "executive", "manager", "employee", "analyst"):
        with pytest.raises(DecisionRefused) as refused:
            _review(org, who, recorded["id"], True, "Agreed.")
        assert f"only the named second reviewer ({EMAILS['hr2']})" in str(refused.value)
        assert refused.value.decision.rule == "decisions_requiring_human.termination.second_reviewer"
    with pytest.raises(DecisionRefused, match="note in the reviewer's own words"):
        _review(org, "hr2", recorded["id"], True, "  ")
    denied = _review_events(org, "denied")
    assert [e.actor for e in denied] == [
        *(EMAILS[w] for w in ("hr", "executive", "manager", "employee", "analyst")),
        EMAILS["hr2"],
    ]
    assert all(e.subject == "P1" and e.detail["decision"] == recorded["id"] for e in denied)
    assert _status_seen_by_subject(org) == [("pending_review", None)], "refusals change nothing"

    confirmed = _review(
        org, "hr2", recorded["id"], True, "Read the investigation file; the warnings are on record."
    )
    assert confirmed["status"] == "effective" and confirmed["reviewed_at"]
    assert _status_seen_by_subject(org) == [
        ("effective", "Read the investigation file; the warnings are on record.")
    ]
    with pytest.raises(InvalidInputError, match="already been reviewed"):
        _review(org, "hr2", recorded["id"], False, "Changed my mind.")
    (changed,) = _review_events(org, "changed")
    assert changed.actor == EMAILS["hr2"] and changed.detail["status"] == "effective"


def test_a_rejected_decision_never_takes_effect_and_unreviewed_ones_cannot_be_reviewed(
    sqlite_org: Org,
) -> None:
    org = sqlite_org
    recorded = _termination(org, subject="P2")
    rejected = _review(org, "hr2", recorded["id"], False, "The second warning was never given in writing.")
    assert rejected["status"] == "rejected"
    with session_scope(org.url) as session:
        promotion = record_decision(
            session,
            org.charter(),
            decision_type="promotion",
            subject="P1",
            decided_by=EMAILS["hr"],
            rationale="Leads the platform migration.",
        ).as_dict()
    assert promotion["status"] == "effective", "no second reviewer named: nothing to wait for"
    with pytest.raises(DecisionRefused, match="names no second reviewer"):
        _review(org, "hr2", promotion["id"], True, "Fine.")


def test_a_reviewer_who_could_never_read_the_record_is_refused_when_named(sqlite_org: Org) -> None:
    """Where the charter gives managers career decisions within their own subtree, a manager from
    another team cannot be named to review; the person's own lead can."""
    document = load_default().as_dict()
    manager = document["audiences"]["manager"]
    manager["views"].append("decisions")
    manager["individual_data"].append("profile")
    charter = CharterDocument(document)
    arguments: dict[str, Any] = {
        "decision_type": "termination",
        "subject": "P1",
        "decided_by": EMAILS["hr"],
        "rationale": RATIONALE,
    }
    with (
        pytest.raises(DecisionRefused, match="could never review") as refused,
        session_scope(sqlite_org.url) as session,
    ):
        record_decision(session, charter, second_reviewer=EMAILS["apps_lead"], **arguments)
    assert refused.value.decision.rule == "audiences.*.scope"
    with session_scope(sqlite_org.url) as session:
        recorded = record_decision(session, charter, second_reviewer=EMAILS["manager"], **arguments)
        reviewed = review_decision(
            session, charter, sqlite_org.actors["manager"], recorded.id, confirm=True, note="I was there."
        )
    assert reviewed.status == "effective"


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["decisions", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_termination_waits_for_the_reviewer(sqlite_org: Org) -> None:
    db = ["--db", sqlite_org.url]
    code, out, err = _cli(
        "record",
        "--type",
        "termination",
        "--subject",
        "P1",
        "--decided-by",
        EMAILS["hr"],
        "--second-reviewer",
        EMAILS["hr2"],
        "--rationale",
        RATIONALE,
        *db,
    )
    assert code == 0, err
    assert f"pending until {EMAILS['hr2']} confirms it" in out
    decision_id = out.split("decision ")[1].split()[0]
    show = ["show", decision_id, *db, "--format", "json", "--as", EMAILS["employee"]]
    assert json.loads(_cli(*show)[1])["status"] == "pending_review"
    review = ["review", decision_id, *db, "--confirm", "--note", "Checked the file."]
    for who in ("hr", "executive", "employee"):
        code, _, err = _cli(*review, "--as", EMAILS[who])
        assert code == 4 and "only the named second reviewer" in err, err
    code, _, err = _cli("review", decision_id, *db, "--note", "x", "--as", EMAILS["hr2"])
    assert code == 2 and "--confirm or --reject" in err
    code, _, err = _cli("review", decision_id, *db, "--confirm", "--as", EMAILS["hr2"])
    assert code == 4 and "note" in err
    assert json.loads(_cli(*show)[1])["status"] == "pending_review"
    code, out, err = _cli(*review, "--as", EMAILS["hr2"], "--format", "json")
    assert code == 0, err
    assert json.loads(out)["status"] == "effective"
    seen = json.loads(_cli(*show)[1])
    assert (seen["status"], seen["review_note"]) == ("effective", "Checked the file.")


@pytest.fixture
def client(sqlite_org: Org) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_org.url), base_url="https://testserver") as test_client:
        yield test_client


def _switch(client: TestClient, token: str, who: str) -> str:
    client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    return sign_in(client, who)


def test_api_and_page_termination_waits_for_the_reviewer(client: TestClient) -> None:
    token = sign_in(client, "hr")
    body = {
        "type": "termination",
        "subject": "P1",
        "decided_by": EMAILS["hr"],
        "rationale": RATIONALE,
        "second_reviewer": EMAILS["hr2"],
    }
    recorded = client.post("/api/v1/decisions", json=body, headers={"X-CSRF-Token": token}).json()
    assert recorded["status"] == "pending_review"
    path = f"/api/v1/decisions/{recorded['id']}/review"
    own = client.post(path, json={"confirm": True, "note": "Mine."}, headers={"X-CSRF-Token": token})
    assert own.status_code == 403 and "only the named second reviewer" in own.json()["detail"]
    assert client.get("/api/v1/decisions/awaiting-review").json()["decisions"] == []

    token = _switch(client, token, "employee")
    refused = client.post(path, json={"confirm": True, "note": "Fine."}, headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
    assert client.get(f"/api/v1/decisions/{recorded['id']}").json()["status"] == "pending_review"
    assert "waiting for " + EMAILS["hr2"] in client.get("/my-data").text

    token = _switch(client, token, "hr2")
    home = client.get("/").text
    assert "Which career decisions wait for your review?" in home and "No decision waits" not in home
    awaiting = client.get("/api/v1/decisions/awaiting-review").json()["decisions"]
    assert [d["id"] for d in awaiting] == [recorded["id"]]
    page = client.get("/decisions").text
    assert "Awaiting your review (1)" in page and f'action="/decisions/{recorded["id"]}/review"' in page
    no_note = client.post(path, json={"confirm": True}, headers={"X-CSRF-Token": token})
    assert no_note.status_code == 403 and "note" in no_note.json()["detail"]
    done = client.post(
        f"/decisions/{recorded['id']}/review",
        data={"verdict": "confirm", "note": "Read the file.", "csrf_token": csrf_token(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Awaiting your review (0)" in client.get(done.headers["location"]).text
    assert client.get(f"/api/v1/decisions/{recorded['id']}").json()["status"] == "effective"
    assert "No decision waits for your review." in client.get("/").text
    again = client.post(path, json={"confirm": False, "note": "No."}, headers={"X-CSRF-Token": token})
    assert again.status_code == 400 and "already been reviewed" in again.json()["detail"]
