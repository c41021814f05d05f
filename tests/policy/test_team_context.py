"""Which units a manager answers for, and the unit names pages show, follow every import at once even
though both are kept per data version."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from peoplealign.ingest.pipeline import import_file
from peoplealign.policy.team_context import unit_names, units_in_charge
from peoplealign.store.engine import session_scope
from peoplealign.store.models import OrgUnit, Person


def _import(url: str, tmp_path: Path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}-{len(list(tmp_path.iterdir()))}.csv"
    path.write_text(text)
    import_file(kind, path, url=url)


def _units(ops_name: str) -> str:
    return (
        "code,name,parent_code,kind\n"
        f"CO,Acme,,company\nENG,Engineering,CO,department\nOPS,{ops_name},CO,department\n"
    )


def _people(ops_lead_manager: str) -> str:
    """E0 heads the company; E1 leads Engineering (E2-E4), E5 leads Operations (E6-E8)."""
    managers = (
        {0: "", 1: "E0", 5: ops_lead_manager} | {p: "E1" for p in (2, 3, 4)} | {p: "E5" for p in (6, 7, 8)}
    )
    units = {0: "CO"} | {p: "ENG" for p in range(1, 5)} | {p: "OPS" for p in range(5, 9)}
    rows = [f"E{p},Person {p},{managers[p]},{units[p]},2020-01-01" for p in range(9)]
    return "hris_id,name,manager_id,org_unit,hire_date\n" + "\n".join(rows) + "\n"


def _in_charge(url: str, hris_id: str) -> set[str]:
    with session_scope(url) as s:
        person = s.scalar(select(Person.id).where(Person.hris_id == hris_id))
        codes = dict(s.execute(select(OrgUnit.id, OrgUnit.code)).tuples().all())
        return {codes[u] for u in units_in_charge(s, person)}


def test_units_in_charge_and_unit_names_follow_each_import(db_url: str, tmp_path: Path) -> None:
    _import(db_url, tmp_path, "org-units", _units("Operations"))
    _import(db_url, tmp_path, "people", _people(ops_lead_manager="E0"))
    assert _in_charge(db_url, "E1") == {"ENG"}
    assert _in_charge(db_url, "E0") == {"CO", "ENG", "OPS"}

    _import(db_url, tmp_path, "people", _people(ops_lead_manager="E1"))
    assert _in_charge(db_url, "E1") == {"ENG", "OPS"}, "the Operations lead now reports to E1"

    with session_scope(db_url) as s:
        ops = s.scalar(select(OrgUnit.id).where(OrgUnit.code == "OPS"))
        assert ops is not None
        assert unit_names(s, {ops, -1}) == {ops: ("OPS", "Operations")}
    _import(db_url, tmp_path, "org-units", _units("Field Operations"))
    with session_scope(db_url) as s:
        assert unit_names(s, {ops}) == {ops: ("OPS", "Field Operations")}
