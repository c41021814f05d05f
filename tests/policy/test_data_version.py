"""A session remembers its data version only while nothing it could see has changed: its own writes,
pending or flushed, ORM or bulk, and the end of its transaction each make it look again."""

from __future__ import annotations

from sqlalchemy import insert, text

from peoplealign.policy.data_version import data_version
from peoplealign.store.engine import session_scope
from peoplealign.store.models import OrgUnit


def test_the_token_follows_the_sessions_own_writes(db_url: str) -> None:
    with session_scope(db_url) as s:
        start = data_version(s)
        assert data_version(s) == start
        s.add(OrgUnit(code="A", name="A", kind="company"))
        pending = data_version(s)  # the pending unit is flushed by the version's own query
        assert pending != start
        s.execute(insert(OrgUnit).values(code="B", name="B", kind="team"))
        bulk = data_version(s)
        assert bulk not in {start, pending}
        s.execute(text("DELETE FROM org_unit WHERE code = 'B'"))
        assert data_version(s) != bulk


def test_a_new_transaction_sees_other_writers(db_url: str) -> None:
    with session_scope(db_url) as reader:
        before = data_version(reader)
        reader.commit()
        with session_scope(db_url) as writer:
            writer.add(OrgUnit(code="C", name="C", kind="company"))
        assert data_version(reader) != before
