"""Charter versions in the database: drafts anyone responsible may propose, activation only by an
executive's recorded approval, and every step in the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError, PeopleAlignError, PermissionDeniedError
from peoplealign.policy import audit, snapshots
from peoplealign.policy.actor import Actor
from peoplealign.policy.charter_document import CharterDocument, load_default, parse_yaml
from peoplealign.policy.charter_loosening import loosenings
from peoplealign.store.models import Charter, Objective

PROPOSER_ROLES = ("admin", "analyst", "hr_partner", "executive")
APPROVER_ROLE = "executive"


class CharterPermissionError(PermissionDeniedError):
    """Proposing or approving a charter without the role the charter process requires."""


class LooseningNotAcceptedError(PeopleAlignError):
    """Approval refused because the version relaxes built-in protections without saying so."""

    exit_code = 5

    def __init__(self, version: int, items: list[str]) -> None:
        self.items = items
        listed = "\n".join(f"  - {i}" for i in items)
        super().__init__(
            f"charter version {version} loosens the built-in privacy minimums:\n{listed}\n"
            "approve again with accept_loosening (CLI: --accept-loosening) to record that you accept this"
        )


def document_of(row: Charter) -> CharterDocument:
    """Stored documents were validated when applied, so they are wrapped without re-validation."""
    return CharterDocument(
        row.document,
        version=row.version,
        status=row.status,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
    )


def active_charter(session: Session) -> CharterDocument:
    """The charter in force: the approved active version, else the strict packaged default.

    Every request asks for it, often several times, so it is kept as a snapshot: the data version
    covers which version is active, and a stored version's document never changes."""

    def load() -> CharterDocument:
        row = session.scalar(select(Charter).where(Charter.status == "active"))
        return load_default() if row is None else document_of(row)

    return snapshots.cached(session, "active charter", load)


def get_version(session: Session, version: int) -> Charter:
    row = session.scalar(select(Charter).where(Charter.version == version))
    if row is None:
        raise NotFoundError(f"no charter version {version}; `peoplealign charter show` lists them")
    return row


def document_at(session: Session, version: int | None) -> CharterDocument:
    """Version 0 is the packaged default; None is the one in force."""
    if version is None:
        return active_charter(session)
    if version == 0:
        return load_default()
    return document_of(get_version(session, version))


def list_versions(session: Session) -> list[Charter]:
    return list(session.scalars(select(Charter).order_by(Charter.version)))


def latest_version(session: Session) -> int:
    return int(session.scalar(select(func.max(Charter.version))) or 0)


def apply(session: Session, yaml_text: str, actor: Actor, source_name: str = "charter.yaml") -> Charter:
    """Store a validated draft as the next version; nothing changes for anyone until it is approved."""
    if not actor.has_role(*PROPOSER_ROLES):
        raise CharterPermissionError(
            f"{actor.email} may not propose a charter: it needs one of the roles {', '.join(PROPOSER_ROLES)}"
        )
    document = parse_yaml(yaml_text, source_name)
    row = Charter(
        version=latest_version(session) + 1,
        document=document.as_dict(),
        source_yaml=yaml_text,
        sha256=hashlib.sha256(yaml_text.encode("utf-8")).hexdigest(),
        status="draft",
        created_by=actor.email,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "charter.apply",
        "charter",
        outcome="changed",
        detail={"version": row.version, "sha256": row.sha256, "source": source_name},
    )
    return row


def approve(
    session: Session,
    version: int,
    actor: Actor,
    note: str,
    *,
    accept_loosening: bool = False,
) -> Charter:
    """Activate a version on an executive's word, superseding the one in force."""
    if not actor.has_role(APPROVER_ROLE):
        raise CharterPermissionError(f"only an executive may approve a charter; {actor.email} is not one")
    if not note.strip():
        raise InvalidInputError("an approval needs a note saying why this version is approved")
    row = get_version(session, version)
    if row.status == "active":
        raise InvalidInputError(f"charter version {version} is already the active version")
    loosened = loosenings(document_of(row))
    if loosened and not accept_loosening:
        raise LooseningNotAcceptedError(version, loosened)
    previous = session.scalar(select(Charter).where(Charter.status == "active"))
    if previous is not None:
        previous.status = "superseded"
        session.flush()
    row.status = "active"
    row.approved_by = actor.email
    row.approved_at = dt.datetime.now(dt.UTC)
    row.approval_note = note.strip() + (
        "\nAccepted loosening of built-in minimums: " + "; ".join(loosened) if loosened else ""
    )
    _sync_objectives(session, row)
    session.flush()
    audit.record(
        session,
        actor,
        "charter.approve",
        "charter",
        outcome="changed",
        detail={
            "version": version,
            "superseded": previous.version if previous is not None else None,
            "note": note.strip(),
            "accepted_loosening": loosened,
        },
    )
    return row


def _sync_objectives(session: Session, row: Charter) -> None:
    """The North Star objectives of the version in force, as rows other services can link to."""
    session.execute(delete(Objective).where(Objective.charter_id == row.id))
    for o in document_of(row).objectives:
        session.add(
            Objective(
                charter_id=row.id,
                code=o.code,
                name=o.name,
                why=o.why,
                priority=o.priority,
                target_metric=o.target_metric,
                target_value=o.target_value,
                target_date=o.target_date,
                linked_themes=list(o.linked_themes),
                linked_metrics=list(o.linked_metrics),
            )
        )
