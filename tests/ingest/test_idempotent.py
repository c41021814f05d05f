"""Re-imports upsert by natural key and say what happened; dry runs and failures write nothing."""

from __future__ import annotations

from ingest_helpers import PEOPLE, Writer, run, table_counts
from sqlalchemy import select

from peoplealign.policy import audit
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent, ImportRun, Person, ProtectedAttribute


def test_reimport_is_unchanged_and_one_changed_row_is_one_update(org_url: str, write_file: Writer) -> None:
    again = run("people", write_file("again.csv", PEOPLE), org_url)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
    changed = PEOPLE.replace(
        "E3,Alan Turing,alan@example.org,E2,ENG,3", "E3,Alan Turing,alan@example.org,E1,ENG,4"
    )
    result = run("people", write_file("changed.csv", changed), org_url)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 3)
    with session_scope(org_url) as session:
        alan = session.scalar(select(Person).where(Person.hris_id == "E3"))
        assert alan is not None and alan.level == 4
        assert alan.manager is not None and alan.manager.hris_id == "E1"


def test_new_rows_are_inserted_next_to_unchanged_ones(org_url: str, write_file: Writer) -> None:
    more = PEOPLE + "E5,Dorothy Vaughan,dorothy@example.org,E4,OPS,2,2023-05-02,80000,female\n"
    result = run("people", write_file("more.csv", more), org_url)
    assert (result.inserted, result.updated, result.unchanged) == (1, 0, 4)


def test_a_changed_protected_attribute_counts_as_an_update_and_stays_apart(
    org_url: str, write_file: Writer
) -> None:
    changed = PEOPLE.replace("100000,male", "100000,nonbinary")
    result = run("people", write_file("attr.csv", changed), org_url)
    assert (result.updated, result.unchanged) == (1, 3)
    with session_scope(org_url) as session:
        values = session.scalars(
            select(ProtectedAttribute.value).where(ProtectedAttribute.attribute == "gender")
        )
        assert sorted(values) == ["female", "female", "female", "nonbinary"]
        assert "gender" not in Person.__table__.c


def test_every_successful_import_is_recorded(org_url: str, write_file: Writer) -> None:
    run("people", write_file("again.csv", PEOPLE), org_url)
    with session_scope(org_url) as session:
        runs = session.scalars(select(ImportRun).order_by(ImportRun.id)).all()
    assert [(r.kind, r.rows, r.inserted, r.unchanged) for r in runs] == [
        ("org-units", 3, 3, 0),
        ("people", 4, 4, 0),
        ("people", 4, 0, 4),
    ]
    assert len(runs[-1].file_sha256) == 64 and runs[-1].finished_at is not None
    with session_scope(org_url) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
        assert [e.resource for e in events] == ["import:org-units", "import:people", "import:people"]
        assert events[-1].detail["unchanged"] == 4 and events[-1].outcome == "changed"
        assert audit.verify(session).ok


def test_dry_run_validates_and_writes_nothing(db_url: str, write_file: Writer) -> None:
    before = table_counts(db_url)
    units = write_file("units.csv", "code,name\nCO,Acme\n")
    summary = run("org-units", units, db_url, dry_run=True)
    assert summary.dry_run and summary.rows == 1 and summary.inserted == 0
    assert table_counts(db_url) == before


def test_managers_may_come_later_in_the_file_even_across_chunks(db_url: str, write_file: Writer) -> None:
    rows = "".join(f"P{i},Person {i},P{i + 1}\n" for i in range(50)) + "P50,Top,\n"
    path = write_file("chain.csv", "hris_id,name,manager_id\n" + rows)
    first = run("people", path, db_url, chunk_rows=7)
    assert first.inserted == 51
    again = run("people", path, db_url, chunk_rows=7)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 51)
    with session_scope(db_url) as session:
        manager = {
            p.hris_id: p.manager.hris_id if p.manager else None for p in session.scalars(select(Person))
        }
    assert manager["P0"] == "P1" and manager["P49"] == "P50" and manager["P50"] is None


def test_managers_earlier_in_the_file_are_linked_on_insert_at_every_depth(
    db_url: str, write_file: Writer
) -> None:
    # A binary tree four levels deep, written level by level but each level backwards, with a few
    # people pointing at managers further on: depth order, file order and id order all differ.
    managers = {f"T{i}": f"T{(i - 1) // 2}" for i in range(1, 31)} | {"T0": None, "L0": "L1", "L1": None}
    order = [f"T{i}" for level in range(5) for i in reversed(range(2**level - 1, 2 ** (level + 1) - 1))]
    rows = "".join(f"{p},Person {p},{managers[p] or ''}\n" for p in [*order, "L0", "L1"])
    path = write_file("tree.csv", "hris_id,name,manager_id\n" + rows)
    first = run("people", path, db_url, chunk_rows=20)
    assert first.inserted == 33
    again = run("people", path, db_url, chunk_rows=20)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 33)
    with session_scope(db_url) as session:
        stored = {
            p.hris_id: p.manager.hris_id if p.manager else None for p in session.scalars(select(Person))
        }
    assert stored == managers
