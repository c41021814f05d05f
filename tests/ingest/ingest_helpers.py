"""Shared by the import tests: a small organisation as CSV text, and a way to count every table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from peoplealign.ingest.pipeline import ImportSummary, import_file
from peoplealign.store.engine import get_engine
from peoplealign.store.models import Base

UNITS = (
    "code,name,parent_code,kind\n"
    "CO,Acme,,company\n"
    "ENG,Engineering,CO,department\n"
    "OPS,Operations,CO,department\n"
)
PEOPLE = (
    "hris_id,name,email,manager_id,org_unit,level,hire_date,salary,gender\n"
    "E1,Ada Lovelace,ada@example.org,,CO,5,2019-01-07,150000,female\n"
    "E2,Grace Hopper,grace@example.org,E1,ENG,4,2020-02-03,120000,female\n"
    "E3,Alan Turing,alan@example.org,E2,ENG,3,2021-03-01,100000,male\n"
    "E4,Katherine Johnson,katherine@example.org,E1,OPS,3,2022-04-04,95000,female\n"
)

Writer = Callable[[str, str | bytes], Path]


def table_counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in Base.metadata.tables.items()
        }


def run(kind: str, path: Path, url: str, **options: Any) -> ImportSummary:
    return import_file(kind, path, url=url, **options)
