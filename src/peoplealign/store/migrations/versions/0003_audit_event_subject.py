"""audit event subjects

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 14:00:00.000000

An index of whom each audit event is about, so a person's access log is a look-up instead of a scan
of every event's detail text. Existing events are indexed here; new ones by the audit writer.

The rule of whom an event is about is copied rather than imported: a migration must keep doing what
it did when it was written, whatever the application code says later.
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
SUBJECT_LENGTH = 64

_events = sa.table(
    "audit_event",
    sa.column("id", sa.Integer()),
    sa.column("subject", sa.String()),
    sa.column("detail", sa.JSON()),
)
_subjects = sa.table(
    "audit_event_subject", sa.column("subject", sa.String()), sa.column("event_id", sa.Integer())
)


def _about(subject: str | None, detail: Any) -> set[str]:
    listed = detail.get("subjects") if isinstance(detail, dict) else None
    found = {subject} if subject else set()
    if isinstance(listed, list):
        found.update(str(s) for s in listed if s is not None and s != "")
    return {s for s in found if len(s) <= SUBJECT_LENGTH}


def _batches(conn: sa.Connection) -> Iterator[list[sa.Row[Any]]]:
    last = 0
    while True:
        rows = list(
            conn.execute(sa.select(_events).where(_events.c.id > last).order_by(_events.c.id).limit(BATCH))
        )
        if not rows:
            return
        yield rows
        last = rows[-1].id


def upgrade() -> None:
    op.create_table(
        "audit_event_subject",
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column(
            "event_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["audit_event.id"],
            name=op.f("fk_audit_event_subject_event_id_audit_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subject", "event_id", name=op.f("pk_audit_event_subject")),
        sqlite_with_rowid=False,
    )
    conn = op.get_bind()
    for rows in _batches(conn):
        about = [{"subject": s, "event_id": row.id} for row in rows for s in _about(row.subject, row.detail)]
        if about:
            conn.execute(sa.insert(_subjects), about)


def downgrade() -> None:
    op.drop_table("audit_event_subject")
