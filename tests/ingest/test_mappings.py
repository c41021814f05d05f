"""Mapping files translate HRIS exports; the shipped examples work, and a broken mapping is explained."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from ingest_helpers import Writer, run
from sqlalchemy import func, select

from peoplealign.errors import InvalidInputError
from peoplealign.ingest.problems import ImportProblemsError
from peoplealign.store.engine import session_scope
from peoplealign.store.models import OrgUnit, Person, ProtectedAttribute

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("mapping", "sample", "rows"),
    [
        ("workday_people.yaml", "workday_people.csv", 6),
        ("bamboohr_people.yaml", "bamboohr_people.csv", 5),
        ("ibm_hr_attrition.yaml", "ibm_hr_attrition_sample.csv", 4),
    ],
)
def test_example_mappings_import_their_samples(sqlite_url: str, mapping: str, sample: str, rows: int) -> None:
    summary = run(
        "people", EXAMPLES / "samples" / sample, sqlite_url, mapping_path=EXAMPLES / "mappings" / mapping
    )
    assert summary.inserted == rows
    again = run(
        "people", EXAMPLES / "samples" / sample, sqlite_url, mapping_path=EXAMPLES / "mappings" / mapping
    )
    assert again.unchanged == rows


def test_workday_codes_and_dates_are_translated(sqlite_url: str) -> None:
    run(
        "people",
        EXAMPLES / "samples/workday_people.csv",
        sqlite_url,
        mapping_path=EXAMPLES / "mappings/workday_people.yaml",
    )
    with session_scope(sqlite_url) as session:
        samuel = session.scalar(select(Person).where(Person.hris_id == "21004"))
        assert samuel is not None
        assert (samuel.exit_reason, samuel.exit_regretted, samuel.level) == ("voluntary", True, 1)
        assert samuel.hire_date is not None and samuel.hire_date.isoformat() == "2022-01-10"
        assert samuel.manager is not None and samuel.manager.hris_id == "21002"


def test_bamboohr_names_come_from_a_template(sqlite_url: str) -> None:
    run(
        "people",
        EXAMPLES / "samples/bamboohr_people.csv",
        sqlite_url,
        mapping_path=EXAMPLES / "mappings/bamboohr_people.yaml",
    )
    with session_scope(sqlite_url) as session:
        assert session.scalar(select(Person.name).where(Person.hris_id == "B-102")) == "Chidi Nwosu"


def test_ibm_attrition_data_imports_with_protected_attributes_kept_apart(
    sqlite_url: str, shared_data: Path
) -> None:
    summary = run(
        "people",
        shared_data / "ibm_hr_attrition.csv",
        sqlite_url,
        mapping_path=EXAMPLES / "mappings/ibm_hr_attrition.yaml",
    )
    assert summary.inserted == 1_470
    with session_scope(sqlite_url) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1_470
        attributes = dict(
            session.execute(
                select(ProtectedAttribute.attribute, func.count()).group_by(ProtectedAttribute.attribute)
            )
            .tuples()
            .all()
        )
        assert attributes == {"gender": 1_470, "age_band": 1_470}
        departments = set(pd.read_csv(shared_data / "ibm_hr_attrition.csv")["Department"])
        assert set(session.scalars(select(OrgUnit.code))) == departments
        leavers = session.scalar(
            select(func.count()).select_from(Person).where(Person.exit_date.is_not(None))
        )
        assert leavers == 237
    person_columns = set(Person.__table__.c.keys())
    assert not person_columns & {"gender", "age", "age_band", "marital_status"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("columns: {EmployeeID: hrisid}\n", "columns.EmployeeID: 'hrisid' is not a column here"),
        ("colums: {}\n", "colums: unknown setting"),
        ("dates: {hire_date: 'DD/MM/YYYY'}\n", "dates.hire_date: expected a strftime format"),
        ("derive: {salary: {times: {column: Pay, by: 12}}}\n", "derive.salary: unknown derivation 'times'"),
        (
            "derive: {salary: {multiply: {column: Pay, by: twelve}}}\n",
            "derive.salary.multiply.by: expected a number",
        ),
        ("as_of: someday\n", "as_of: expected a date YYYY-MM-DD"),
        ("columns: [a, b]\n", "columns: expected a mapping"),
        ("columns: {a: b\n", "not a valid YAML mapping"),
    ],
)
def test_a_broken_mapping_is_explained_before_any_row_is_read(
    sqlite_url: str, write_file: Writer, text: str, expected: str
) -> None:
    data = write_file("people.csv", "hris_id,name\nE1,Ada\n")
    with pytest.raises(InvalidInputError, match=r"^map\.yaml: ") as caught:
        run("people", data, sqlite_url, mapping_path=write_file("map.yaml", text))
    assert expected in str(caught.value)


def test_unmapped_source_columns_are_reported_not_dropped(sqlite_url: str, write_file: Writer) -> None:
    mapping = write_file("map.yaml", "columns: {ID: hris_id, Full Name: name}\n")
    data = write_file("export.csv", "ID,Full Name,Badge Colour\n7,Ada,blue\n")
    with pytest.raises(ImportProblemsError, match=r"export\.csv, row 1, column Badge Colour: unknown column"):
        run("people", data, sqlite_url, mapping_path=mapping)


def test_a_derivation_over_a_non_number_names_the_source_cell(sqlite_url: str, write_file: Writer) -> None:
    mapping = write_file(
        "map.yaml",
        "columns: {ID: hris_id, N: name}\nderive: {salary: {multiply: {column: Monthly, by: 12}}}\n",
    )
    data = write_file("export.csv", "ID,N,Monthly\n7,Ada,lots\n")
    with pytest.raises(
        ImportProblemsError, match=r"row 2, column Monthly: expected a number to derive salary, found 'lots'"
    ):
        run("people", data, sqlite_url, mapping_path=mapping)
