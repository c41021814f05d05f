"""Read-only views of the shared default demo, loaded once per session, for the story tests."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest


@dataclass
class DemoData:
    connection: sqlite3.Connection
    stories: dict[str, Any]

    def frame(self, sql: str) -> pd.DataFrame:
        return pd.read_sql_query(sql, self.connection)

    def unit_id(self, code: str) -> int:
        return int(self.connection.execute("SELECT id FROM org_unit WHERE code = ?", (code,)).fetchone()[0])

    def people(self) -> pd.DataFrame:
        """Every person with the department they belong to (the unit itself for department heads)."""
        people = self.frame(
            "SELECT p.id, p.name, p.email, p.level, p.org_unit_id, p.manager_id, p.hire_date, p.exit_date, "
            "p.exit_reason, p.exit_regretted, p.salary, p.pay_band_min, p.pay_band_max, p.location, "
            "u.kind AS unit_kind, u.parent_id, u.code AS unit_code FROM person p "
            "JOIN org_unit u ON u.id = p.org_unit_id"
        )
        people["department_id"] = people.org_unit_id.where(people.unit_kind != "team", people.parent_id)
        for column in ("hire_date", "exit_date"):
            people[column] = pd.to_datetime(people[column])
        return people


@pytest.fixture(scope="session")
def demo(demo_db_file: Path) -> Iterator[DemoData]:
    connection = sqlite3.connect(f"file:{demo_db_file}?mode=ro", uri=True, check_same_thread=False)
    (raw,) = connection.execute("SELECT value FROM app_setting WHERE key = 'demo_stories'").fetchone()
    yield DemoData(connection, json.loads(raw))
    connection.close()
