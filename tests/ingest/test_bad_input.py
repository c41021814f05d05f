"""Every kind of bad input gives a clear problem with file, row and column, and writes nothing."""

from __future__ import annotations

import pytest
from ingest_helpers import Writer, run, table_counts
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.errors import InvalidInputError
from peoplealign.ingest.problems import ImportProblemsError

HEADER = "hris_id,name,manager_id,org_unit,level,hire_date\n"

BAD_PEOPLE = [
    pytest.param(
        "hris_id,manager_id\nE9,E1\n", 1, "name", "required column is missing", id="missing-required-column"
    ),
    pytest.param(
        "hris_id,name,shoe_size\nE9,Zed,44\n", 1, "shoe_size", "unknown column", id="unknown-column"
    ),
    pytest.param(
        HEADER + "E9,Zed,E1,ENG,senior,2020-01-01\n",
        2,
        "level",
        "expected a whole number, found 'senior'",
        id="wrong-type",
    ),
    pytest.param(
        HEADER + "E9,Zed,E1,ENG,2,2020-13-45\n",
        2,
        "hire_date",
        "expected a date YYYY-MM-DD, found '2020-13-45'",
        id="bad-date",
    ),
    pytest.param(
        HEADER + "E9,Zed,E1,ENG,2,2999-01-01\n",
        2,
        "hire_date",
        "not in the future, found 2999-01-01",
        id="future-date",
    ),
    pytest.param(
        HEADER + "E9,Zed,E1,ENG,2,2020-01-01\nE9,Zoe,E1,ENG,2,2020-01-01\n",
        3,
        "hris_id",
        "same value as row 2",
        id="duplicate-id",
    ),
    pytest.param(
        HEADER + "E9,Zed,E77,ENG,2,2020-01-01\n", 2, "manager_id", "found 'E77'", id="unknown-manager"
    ),
    pytest.param(
        HEADER + "E9,Zed,E1,NOPE,2,2020-01-01\n", 2, "org_unit", "found 'NOPE'", id="unknown-org-unit"
    ),
    pytest.param(
        HEADER + "E9,Zed,E10,ENG,2,2020-01-01\nE10,Zoe,E9,ENG,2,2020-01-01\n",
        2,
        "manager_id",
        "cycle: E9 → E10 → E9",
        id="manager-cycle",
    ),
    pytest.param(
        "hris_id,name,manager_id\nE1,Ada Lovelace,E3\n",
        2,
        "manager_id",
        "cycle",
        id="cycle-through-stored-people",
    ),
    pytest.param(
        HEADER + "E9,,E1,ENG,2,2020-01-01\n", 2, "name", "found an empty cell", id="empty-required-value"
    ),
    pytest.param(
        "hris_id,name,level\nE9,Zed,2,3\n",
        2,
        None,
        "expected 3 fields like the header, found 4",
        id="ragged-row",
    ),
]


@pytest.mark.parametrize(("content", "row", "column", "expected"), BAD_PEOPLE)
def test_bad_people_file_is_refused_and_nothing_changes(
    org_url: str, write_file: Writer, content: str, row: int, column: str | None, expected: str
) -> None:
    before = table_counts(org_url)
    path = write_file("people_bad.csv", content)
    with pytest.raises(ImportProblemsError) as caught:
        run("people", path, org_url)
    message = str(caught.value)
    where = f"people_bad.csv, row {row}" + (f", column {column}" if column else "")
    assert any(line.startswith(where) and expected in line for line in message.splitlines()), message
    assert table_counts(org_url) == before


def test_utf8_bom_is_stripped(org_url: str, write_file: Writer) -> None:
    path = write_file("bom.csv", "\ufeffhris_id,name,org_unit\nE9,Zoë Ångström,ENG\n".encode())
    summary = run("people", path, org_url)
    assert summary.inserted == 1


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param(
            "latin1.csv",
            "hris_id,name\nE9,José\n".encode("latin-1"),
            "latin1.csv: not valid UTF-8 at byte 19 (line 2); save it as UTF-8",
            id="not-utf8",
        ),
        pytest.param("empty.csv", b"", "empty.csv: the file is empty", id="empty-file"),
        pytest.param(
            "blank.csv", b"\xef\xbb\xbf\n  \n", "blank.csv: the file is empty", id="only-bom-and-blank-lines"
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(
    org_url: str, write_file: Writer, name: str, content: bytes, expected: str
) -> None:
    before = table_counts(org_url)
    with pytest.raises(InvalidInputError, match="^" + expected.replace("(", r"\(").replace(")", r"\)")):
        run("people", write_file(name, content), org_url)
    assert table_counts(org_url) == before


def test_header_without_rows_is_refused(org_url: str, write_file: Writer) -> None:
    with pytest.raises(ImportProblemsError, match="no data rows"):
        run("people", write_file("header_only.csv", "hris_id,name\n"), org_url)


def test_at_most_twenty_problems_are_listed_then_a_count(org_url: str, write_file: Writer) -> None:
    rows = "".join(f"E{i},Person {i},,,x{i},2020-01-01\n" for i in range(100, 130))
    before = table_counts(org_url)
    with pytest.raises(ImportProblemsError) as caught:
        run("people", write_file("many.csv", HEADER + rows), org_url)
    lines = str(caught.value).splitlines()
    assert lines[0] == "30 problems found; nothing was imported"
    assert len([line for line in lines if line.startswith("many.csv, row ")]) == 20
    assert lines[1].startswith("many.csv, row 2, column level")
    assert lines[-1] == "… and 10 more problems"
    assert table_counts(org_url) == before


def test_a_bad_row_late_in_a_big_file_writes_nothing(org_url: str, write_file: Writer) -> None:
    """The valid rows before the bad one, spread over many chunks, must not be written either."""
    good = "".join(f"N{i},Person {i},E1,ENG,2,2020-01-01\n" for i in range(2_000))
    path = write_file("late.csv", HEADER + good + "N9999,Late,E1,ENG,2,2020-02-30\n")
    before = table_counts(org_url)
    with pytest.raises(ImportProblemsError, match=r"late\.csv, row 2002, column hire_date"):
        run("people", path, org_url, chunk_rows=300)
    assert table_counts(org_url) == before


def test_cli_prints_one_line_per_problem_and_exits_non_zero(org_url: str, write_file: Writer) -> None:
    path = write_file("cli_bad.csv", HEADER + "E9,Zed,E77,ENG,senior,2020-01-01\n")
    before = table_counts(org_url)
    result = CliRunner().invoke(app, ["import", "people", str(path), "--db", org_url])
    assert result.exit_code == 2
    assert "error: 2 problems found; nothing was imported" in result.output
    assert "cli_bad.csv, row 2, column level: expected a whole number, found 'senior'" in result.output
    assert "cli_bad.csv, row 2, column manager_id: expected the id of a person" in result.output
    assert table_counts(org_url) == before


def test_unknown_kind_is_a_clear_error(org_url: str, write_file: Writer) -> None:
    with pytest.raises(
        InvalidInputError, match="unknown import kind 'staff'; expected one of org-units, people"
    ):
        run("staff", write_file("x.csv", "a\n1\n"), org_url)
