"""WorkforceData keeps its cells per data version and audience, yet authorises and audits every read:
an activity import changes the well-being numbers shown, a role the charter refuses is refused even
when the cells are cached, and each read leaves its own audit event saying what was read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from peoplealign.ingest.pipeline import import_file
from peoplealign.policy.actor import Actor
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.workforce_access import WorkforceData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent

EXECUTIVE = Actor("exec@example.org", frozenset({"executive"}))
EMPLOYEE = Actor("someone@example.org", frozenset({"employee"}))
UNITS = "code,name,parent_code,kind\nCO,Acme,,company\nENG,Engineering,CO,department\n"
PEOPLE = "hris_id,name,email,org_unit,level,hire_date\n" + "".join(
    f"E{i},Person {i},p{i}@example.org,ENG,3,2020-01-01\n" for i in range(8)
)
WINDOW = (dt.date(2026, 11, 2), dt.date(2026, 11, 16))


def _import(url: str, tmp_path: Path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}-{abs(hash(text))}.csv"
    path.write_text(text)
    import_file(kind, path, url=url)


def _weeks(week: str, hours: float) -> str:
    return "hris_id,week_start,hours,after_hours\n" + "".join(f"E{i},{week},{hours},0\n" for i in range(8))


def _total_hours(url: str) -> float | None:
    with session_scope(url) as s:
        (window,) = WorkforceData(s, EXECUTIVE, "wellbeing").activity_cells([WINDOW])
    return window["hours"].cells[0].value


def _activity_reads(url: str) -> list[dict[str, object]]:
    with session_scope(url) as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.resource == "activity")).all()
        return [dict(r.detail or {}) | {"outcome": r.outcome} for r in rows]


def test_an_activity_import_changes_the_cached_numbers_and_every_read_is_audited(
    db_url: str, tmp_path: Path
) -> None:
    _import(db_url, tmp_path, "org-units", UNITS)
    _import(db_url, tmp_path, "people", PEOPLE)
    _import(db_url, tmp_path, "activity", _weeks("2026-11-02", 40))
    assert _total_hours(db_url) == 320.0
    assert _total_hours(db_url) == 320.0, "unchanged data: the cached cells"
    _import(db_url, tmp_path, "activity", _weeks("2026-11-09", 50))
    assert _total_hours(db_url) == 720.0
    reads = _activity_reads(db_url)
    assert len(reads) == 3, "one audit event per read, cached or not"
    assert all(
        r["metric"] == "work_patterns" and r["windows"] == [["2026-11-02", "2026-11-16"]] for r in reads
    )


def test_a_refused_role_is_refused_even_when_the_cells_are_cached(db_url: str, tmp_path: Path) -> None:
    _import(db_url, tmp_path, "org-units", UNITS)
    _import(db_url, tmp_path, "people", PEOPLE)
    _import(db_url, tmp_path, "activity", _weeks("2026-11-02", 40))
    assert _total_hours(db_url) == 320.0
    with session_scope(db_url) as s, pytest.raises(PolicyDenied):
        WorkforceData(s, EMPLOYEE, "wellbeing").activity_cells([WINDOW])
    with session_scope(db_url) as s:
        refusals = s.scalars(select(AuditEvent.outcome).where(AuditEvent.actor == EMPLOYEE.email)).all()
    assert refusals and all(o != "allowed" for o in refusals)


def test_cells_below_k_stay_hidden_from_the_cache_too(db_url: str, tmp_path: Path) -> None:
    _import(db_url, tmp_path, "org-units", UNITS)
    _import(db_url, tmp_path, "people", PEOPLE)
    few = "hris_id,week_start,hours,after_hours\n" + "".join(f"E{i},2026-11-02,40,0\n" for i in range(4))
    _import(db_url, tmp_path, "activity", few)
    for _ in range(2):
        with session_scope(db_url) as s:
            (window,) = WorkforceData(s, EXECUTIVE, "wellbeing").activity_cells([WINDOW])
        assert window["hours"].cells[0].suppressed and window["hours"].cells[0].value is None
