"""My data: the access log shows every read of the employee's record by someone else (and none of
their own), the export holds everything kept about them and nothing about anyone else, and
correction requests reach HR, who must resolve them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from decisions_helpers import EMAILS, Org
from typer.testing import CliRunner, Result

from peoplealign.cli.app import app
from peoplealign.decisions.career_decisions import record_decision
from peoplealign.decisions.check_ins import create_check_in
from peoplealign.decisions.my_data import my_data
from peoplealign.decisions.queue import recommendation_queue
from peoplealign.errors import NotFoundError
from peoplealign.policy.access_log import access_log
from peoplealign.policy.correction_access import open_corrections, request_correction, resolve_correction
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import Person

TODAY = dt.date(2026, 11, 20)


def _reads_by_others(org: Org) -> None:
    """Reads of P1's record by four other people, one of them refused, and one unrelated read."""
    charter = org.charter()
    with session_scope(org.url) as session:
        PersonalData(session, org.actors["hr"], "administration", charter).person(org.person["P1"])
        PersonalData(session, org.actors["manager"], "development", charter).people()
        recommendation_queue(session, charter, org.actors["hr"])
        PersonalData(session, org.actors["hr"], "administration", charter).person(org.person["P2"])
        PersonalData(session, org.actors["employee"], "my_data", charter).person(org.person["P1"])
    with pytest.raises(PolicyDenied), session_scope(org.url) as session:
        PersonalData(session, org.actors["colleague"], "administration", charter).person(org.person["P1"])


def test_access_log_shows_every_read_by_someone_else(org: Org) -> None:
    _reads_by_others(org)
    with session_scope(org.url) as session:
        entries, _ = access_log(session, org.charter(), org.actors["employee"])
    seen = [(e.actor, e.data, e.outcome) for e in entries]
    assert (EMAILS["hr"], "hris", "allowed") in seen, "a read of the record alone"
    assert (EMAILS["manager"], "hris", "allowed") in seen, "a list read of the manager's team"
    assert (EMAILS["hr"], "predictions", "allowed") in seen, "the queue showed a stay interview about them"
    assert (EMAILS["colleague"], "hris", "denied") in seen, "refused attempts are shown too"
    assert all(e.actor != EMAILS["employee"] for e in entries), "their own reads are not listed"
    assert len(entries) == 4, seen
    with session_scope(org.url) as session:
        colleague, _ = access_log(session, org.charter(), org.actors["colleague"])
    assert sorted((e.actor, e.data) for e in colleague) == [
        (EMAILS["hr"], "hris"),
        (EMAILS["manager"], "hris"),
    ]


def test_export_contains_everything_held_about_them(sqlite_org: Org) -> None:
    org = sqlite_org
    charter = org.charter()
    with session_scope(org.url) as session:
        record_decision(
            session,
            charter,
            decision_type="promotion",
            subject="P1",
            decided_by=EMAILS["hr"],
            rationale="Works at the next level.",
            considered=f"recommendation:{org.rebalance_id}",
        )
        record_decision(
            session,
            charter,
            decision_type="promotion",
            subject="P2",
            decided_by=EMAILS["hr"],
            rationale="Also.",
        )
        create_check_in(
            session,
            charter,
            org.actors["manager"],
            employee_hris_id="P1",
            held_on=TODAY,
            notes="Talked about the migration.",
            goals="Own the rollout.",
            feedback=None,
        )
        create_check_in(
            session,
            charter,
            org.actors["manager"],
            employee_hris_id="P2",
            held_on=TODAY,
            notes="Someone else's conversation.",
            goals=None,
            feedback=None,
        )
        person = session.get(Person, org.person["P1"])
        assert person is not None
        request_correction(
            session, charter, org.actors["employee"], person, "job_title", "Senior Engineer", None
        )
        PersonalData(session, org.actors["hr"], "administration", charter).person(org.person["P1"])
    result = CliRunner().invoke(app, ["mydata", "export", "--as", EMAILS["employee"], "--db", org.url])
    assert result.exit_code == 0, result.stderr
    export = json.loads(result.stdout)
    assert export["profile"]["hris_id"] == "P1" and export["profile"]["salary"] == 50_000.0
    records = export["records"]
    assert [s["skill"] for s in records["skills"]] == ["Python"]
    assert [e["program"] for e in records["learning"]] == ["Python basics"]
    assert [m["kind"] for m in records["internal_moves"]] == ["lateral"]
    assert [m["milestone"] for m in records["milestones"]] == ["fully_proficient"]
    assert [(d["subject_hris_id"], d["rationale"]) for d in export["career_decisions"]] == [
        ("P1", "Works at the next level.")
    ]
    assert export["career_decisions"][0]["considered"][0]["ref"] == f"recommendation:{org.rebalance_id}"
    assert [c["notes"] for c in export["check_ins"]] == ["Talked about the migration."]
    assert [c["field"] for c in export["correction_requests"]] == ["job_title"]
    assert "never linked back" in export["survey_answers"]
    held = {h["key"]: h for h in export["data_held"]}
    assert set(held) == {s.key for s in charter.sources}
    assert held["hris"]["shown_here"] and not held["predictions"]["shown_here"]
    assert held["predictions"]["individual_readers"] == ["hr_partner (organisation)"]
    assert {e["actor"] for e in export["access_log"]} >= {EMAILS["hr"], EMAILS["manager"]}
    text = json.dumps(export)
    assert "Someone else's conversation" not in text and "P2" not in text.replace('"P1"', "")


def test_corrections_reach_hr_who_resolve_them(sqlite_org: Org) -> None:
    org = sqlite_org
    charter = org.charter()
    runner = CliRunner()

    def mydata(who: str, *args: str) -> Result:
        return runner.invoke(app, ["mydata", *args, "--as", EMAILS[who], "--db", org.url])

    asked = mydata("employee", "request", "--field", "location", "--value", "Paris", "--format", "json")
    assert asked.exit_code == 0, asked.stderr
    request_id = json.loads(asked.stdout)["id"]
    with pytest.raises(PolicyDenied), session_scope(org.url) as session:
        open_corrections(session, charter, org.actors["manager"])
    with pytest.raises(PolicyDenied), session_scope(org.url) as session:
        resolve_correction(session, charter, org.actors["employee"], request_id, "accepted", "done")
    listed = runner.invoke(
        app, ["mydata", "corrections", "--as", EMAILS["hr"], "--format", "json", "--db", org.url]
    )
    assert [r["id"] for r in json.loads(listed.stdout)["correction_requests"]] == [request_id]
    resolved = mydata(
        "hr", "resolve", str(request_id), "accepted", "--note", "Fixed in the HRIS; next import."
    )
    assert resolved.exit_code == 0, resolved.stderr
    with session_scope(org.url) as session:
        mine = my_data(session, charter, org.actors["employee"])
    assert [(c.status, c.resolution) for c in mine.corrections] == [
        ("accepted", "Fixed in the HRIS; next import.")
    ]
    assert any(e.action == "correction.resolve" and e.actor == EMAILS["hr"] for e in mine.access_log)


def test_a_login_without_a_person_has_no_data(sqlite_org: Org) -> None:
    with pytest.raises(NotFoundError, match="not linked"), session_scope(sqlite_org.url) as session:
        my_data(session, sqlite_org.charter(), sqlite_org.actors["executive"])
