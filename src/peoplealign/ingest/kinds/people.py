"""People from an HRIS export. Protected attributes (gender, age band, ethnicity, disability) are written
only to `protected_attribute`, kept apart so no model pipeline can pick them up by accident; an
empty protected value leaves what is stored untouched."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import aliased

from peoplealign.ingest.columns import Column, ColumnType, Parsed
from peoplealign.ingest.kinds.base import Context, ImportKind, require_org_units
from peoplealign.ingest.kinds.hierarchy import ParentLinks
from peoplealign.ingest.upsert import Columns, Status
from peoplealign.store.models import OrgUnit, Person, ProtectedAttribute

PROTECTED = ("gender", "age_band", "ethnicity", "disability")
EXIT_REASONS = ("voluntary", "involuntary", "retirement", "other")
PERSON_FIELDS = (
    "hris_id", "name", "email", "job_title", "job_family", "level", "location", "employment_type",
    "hire_date", "exit_date", "exit_reason", "exit_regretted", "salary", "pay_band_min", "pay_band_max",
    "last_promotion_date",
)  # fmt: skip


class PeopleImport(ImportKind):
    """Employees from an HRIS export; managers may come later in the file or be stored already."""

    name = "people"
    columns = (
        Column("hris_id", required=True, max_length=64),
        Column("name", required=True),
        Column("email", max_length=254),
        Column("manager_id", max_length=64),
        Column("org_unit", max_length=64),
        Column("job_title"),
        Column("job_family", max_length=100),
        Column("level", ColumnType.INT, minimum=0, maximum=100),
        Column("location", max_length=100),
        Column("employment_type", max_length=32),
        Column("hire_date", ColumnType.DATE),
        Column("exit_date", ColumnType.DATE),
        Column("exit_reason", ColumnType.CHOICE, choices=EXIT_REASONS),
        Column("exit_regretted", ColumnType.BOOL),
        Column("salary", ColumnType.FLOAT, minimum=0),
        Column("pay_band_min", ColumnType.FLOAT, minimum=0),
        Column("pay_band_max", ColumnType.FLOAT, minimum=0),
        Column("last_promotion_date", ColumnType.DATE),
        *(Column(attribute, max_length=100) for attribute in PROTECTED),
    )
    key = ("hris_id",)

    def __init__(self) -> None:
        self.managers = ParentLinks("hris_id", "manager_id", "a person")
        self.new_units: set[str] = set()
        self.emails: dict[str, int] = {}
        self.stored_emails: dict[str, str] | None = None

    def check(self, rows: Parsed, ctx: Context) -> None:
        if ctx.mapping.create_org_units:
            stored = ctx.lookups.org_units()
            self.new_units.update(c for c in rows.get("org_unit") if c is not None and c not in stored)
        require_org_units(rows, ctx, "org_unit", self.new_units)
        self.managers.check(rows, ctx, ctx.lookups.people())
        for line, hired, left in _both_given(rows, "hire_date", "exit_date"):
            if left < hired:
                ctx.problems.add(
                    line, "exit_date", f"expected a date on or after hire_date {hired}, found {left}"
                )
        for line, low, high in _both_given(rows, "pay_band_min", "pay_band_max"):
            if high < low:
                ctx.problems.add(
                    line, "pay_band_max", f"expected at least pay_band_min {low:g}, found {high:g}"
                )
        self._check_emails(rows, ctx)

    def _check_emails(self, rows: Parsed, ctx: Context) -> None:
        if "email" not in rows.values:
            return
        if self.stored_emails is None:
            statement = select(func.lower(Person.email), Person.hris_id).where(Person.email.is_not(None))
            self.stored_emails = dict(ctx.conn.execute(statement).tuples().all())
        emails = np.asarray(rows.values["email"], dtype=object)
        given = np.flatnonzero(emails != None)  # noqa: E711 - elementwise comparison
        if not len(given):
            return
        lines = rows.lines[given]
        hris_ids = np.asarray(rows.get("hris_id"), dtype=object)[given]
        lowered = pd.Series([email.lower() for email in emails[given]], dtype=object)
        seen_before = lowered.isin(self.emails.keys()).to_numpy()
        first_here = ~lowered.duplicated().to_numpy()
        fresh = first_here & ~seen_before
        self.emails.update(zip(lowered[fresh].tolist(), lines[fresh].tolist(), strict=True))
        # Only rows that can be wrong go through the row-by-row messages below, in file order.
        suspect = ~fresh | np.array(["@" not in email for email in emails[given]], dtype=bool)
        if self.stored_emails:
            owners = np.array(list(map(self.stored_emails.get, lowered)), dtype=object)
            suspect |= (owners != None) & (owners != hris_ids)  # noqa: E711 - elementwise comparison
        for index in np.flatnonzero(suspect).tolist():
            line, hris_id, email = int(lines[index]), hris_ids[index], emails[given[index]]
            if "@" not in email:
                ctx.problems.add(line, "email", f"expected an email address, found {email!r}")
            first = self.emails.setdefault(email.lower(), line)
            owner = self.stored_emails.get(email.lower(), hris_id)
            if first != line:
                ctx.problems.add(line, "email", f"expected a unique email, found the same as row {first}")
            elif owner != hris_id:
                ctx.problems.add(
                    line, "email", f"expected a unique email, found the one of stored person {owner!r}"
                )

    def check_end(self, ctx: Context) -> None:
        manager = aliased(Person)
        statement = select(Person.hris_id, manager.hris_id).join(manager, Person.manager_id == manager.id)
        self.managers.check_end(ctx, lambda: dict(ctx.conn.execute(statement).tuples().all()))

    def write(self, rows: Parsed, ctx: Context) -> None:
        self._create_units(ctx)
        units = ctx.lookups.org_units()
        columns = rows.columns(
            PERSON_FIELDS,
            org_unit_id=[None if code is None else units[code] for code in rows.get("org_unit")],
        )
        upserter = ctx.upserter(Person.__table__, ("hris_id",), [*columns, "manager_id"])
        outcome = self.managers.write(
            upserter, columns, "manager_id", rows.get("hris_id"), rows.get("manager_id"), ctx.lookups.people()
        )
        ctx.counts.add(self._write_protected(rows, ctx, outcome.ids, outcome.statuses))

    def write_end(self, ctx: Context) -> None:
        self.managers.write_end(ctx, Person.__table__, "manager_id", ctx.lookups.people())

    def _create_units(self, ctx: Context) -> None:
        if not self.new_units:
            return
        units = ctx.lookups.org_units()
        new = [{"code": c, "name": c, "kind": "department"} for c in sorted(self.new_units)]
        statement = insert(OrgUnit).returning(OrgUnit.id, sort_by_parameter_order=True)
        for record, row in zip(new, ctx.conn.execute(statement, new), strict=True):
            units[record["code"]] = row[0]
        self.new_units.clear()

    def _write_protected(
        self, rows: Parsed, ctx: Context, ids: list[int], statuses: list[Status]
    ) -> list[Status]:
        person_ids = np.asarray(ids, dtype=np.int64)
        columns: Columns = {"person_id": [], "attribute": [], "value": []}
        positions: list[int] = []
        for attribute in (a for a in PROTECTED if a in rows.values):
            values = np.asarray(rows.values[attribute], dtype=object)
            given = np.flatnonzero(values != None)  # noqa: E711 - elementwise comparison
            columns["person_id"] += person_ids[given].tolist()
            columns["attribute"] += [attribute] * len(given)
            columns["value"] += values[given].tolist()
            positions += given.tolist()
        if not positions:
            return statuses
        upserter = ctx.upserter(ProtectedAttribute.__table__, ("person_id", "attribute"), ["value"])
        result = list(statuses)
        for position, status in zip(positions, upserter.write(columns).statuses, strict=True):
            if status is not Status.UNCHANGED and result[position] is Status.UNCHANGED:
                result[position] = Status.UPDATED
        return result


def _both_given(rows: Parsed, first: str, second: str) -> Iterator[tuple[int, Any, Any]]:
    """Line and both values of each row that has both columns filled: the only rows a cross-column
    rule can fail, found without a Python step per row."""
    if first not in rows.values or second not in rows.values:
        return
    left = np.asarray(rows.values[first], dtype=object)
    right = np.asarray(rows.values[second], dtype=object)
    both = np.flatnonzero((left != None) & (right != None))  # noqa: E711 - elementwise comparison
    yield from zip(rows.lines[both].tolist(), left[both].tolist(), right[both].tolist(), strict=True)
