"""Files are read in bounded chunks, whichever reader handles them."""

from __future__ import annotations

import pytest
from ingest_helpers import Writer, run
from sqlalchemy import select

from peoplealign.ingest import pipeline
from peoplealign.ingest.problems import ImportProblemsError, ProblemLog
from peoplealign.ingest.source import read_chunks, scan
from peoplealign.store.engine import session_scope
from peoplealign.store.models import OrgUnit


def _chunk_sizes(path_text: str, write_file: Writer, name: str) -> tuple[list[int], list[int]]:
    path = write_file(name, path_text)
    facts = scan(path)
    sizes, first_lines = [], []
    for chunk in read_chunks(facts, ProblemLog(name), chunk_rows=1_000):
        sizes.append(len(chunk.frame))
        first_lines.append(int(chunk.lines[0]))
    return sizes, first_lines


def test_simple_csv_is_read_in_bounded_chunks_with_exact_lines(write_file: Writer) -> None:
    text = "code,name\n" + "".join(f"U{i},Unit {i}\n" for i in range(25_500))
    sizes, first_lines = _chunk_sizes(text, write_file, "units.csv")
    assert sizes == [1_000] * 25 + [500]
    assert first_lines[:3] == [2, 1_002, 2_002]


def test_quoted_csv_with_multiline_cells_keeps_file_line_numbers(write_file: Writer) -> None:
    text = "code,name\n" + "".join(f'U{i},"Unit\n{i}"\n' for i in range(2_500))
    sizes, first_lines = _chunk_sizes(text, write_file, "quoted.csv")
    assert sizes == [1_000, 1_000, 500]
    assert first_lines == [2, 2_002, 4_002]


def test_jsonl_is_read_in_bounded_chunks(write_file: Writer) -> None:
    text = "".join(f'{{"code": "U{i}", "name": "Unit {i}"}}\n' for i in range(2_100))
    sizes, first_lines = _chunk_sizes(text, write_file, "units.jsonl")
    assert sizes == [1_000, 1_000, 100]
    assert first_lines == [1, 1_001, 2_001]


def test_jsonl_import_and_its_problems_use_line_numbers(db_url: str, write_file: Writer) -> None:
    good = write_file(
        "units.jsonl",
        '{"code": "CO", "name": "Acme"}\n\n{"code": "ENG", "name": "Eng", "parent_code": "CO"}\n',
    )
    assert run("org-units", good, db_url).inserted == 2
    bad = write_file(
        "bad.jsonl", '{"code": "X", "name": "X"}\n{"code": "Y", "kind": "squad", "name": "Y"}\nnot json\n'
    )
    with pytest.raises(ImportProblemsError) as caught:
        run("org-units", bad, db_url)
    message = str(caught.value)
    assert (
        "bad.jsonl, row 2, column kind: expected one of company|division|department|team, found 'squad'"
        in message
    )
    assert "bad.jsonl, row 3: expected one JSON object per line" in message


@pytest.mark.parametrize("in_memory_rows", [0, 1_000, 250_000])
def test_a_large_file_in_small_chunks_imports_every_row(
    db_url: str, write_file: Writer, monkeypatch: pytest.MonkeyPatch, in_memory_rows: int
) -> None:
    """Pass 2 replays every chunk whether kept in memory, spilled to disk, or some of each."""
    monkeypatch.setattr(pipeline, "REPLAY_IN_MEMORY_ROWS", in_memory_rows)
    units = "code,name,parent_code\nROOT,Root,\n" + "".join(f"U{i},Unit {i},ROOT\n" for i in range(3_000))
    summary = run("org-units", write_file("many_units.csv", units), db_url, chunk_rows=256)
    assert summary.rows == 3_001 and summary.inserted == 3_001
    with session_scope(db_url) as session:
        codes = set(session.scalars(select(OrgUnit.code)))
    assert codes == {"ROOT", *(f"U{i}" for i in range(3_000))}


def test_cells_are_stripped_whichever_reader_reads_them(db_url: str, write_file: Writer) -> None:
    plain = write_file("padded.csv", "code,name\nCO , Acme\n ENG,Engineering \n")
    quoted = write_file("quoted_padded.csv", 'code,name\nOPS," Operations "\n')
    assert scan(plain).simple_csv and scan(plain).padded_cells
    assert not scan(quoted).simple_csv
    run("org-units", plain, db_url)
    run("org-units", quoted, db_url)
    with session_scope(db_url) as session:
        names = dict(session.execute(select(OrgUnit.code, OrgUnit.name)).tuples().all())
    assert names == {"CO": "Acme", "ENG": "Engineering", "OPS": "Operations"}
