"""Free text people type into the app (town-hall stories, recommendation outcomes, dismissal reasons)
is redacted before it is stored, like imported comments: the organisation's own directory names,
emails, phones, employee ids and URLs become placeholders.

The directory is read here, inside the policy layer, because it is the redaction's own input and
never leaves it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError
from peoplealign.store.models import Person

MAX_LENGTH = 4000


def redacted_text(session: Session, text: str | None, *, what: str, required: bool = True) -> str | None:
    """The text stripped and redacted; empty text is refused when `required`, else None."""
    from peoplealign.policy.redaction import Redactor

    cleaned = (text or "").strip()
    if not cleaned:
        if required:
            raise InvalidInputError(f"{what} must not be empty")
        return None
    if len(cleaned) > MAX_LENGTH:
        raise InvalidInputError(f"{what} is {len(cleaned)} characters long; at most {MAX_LENGTH} are kept")
    names = session.scalars(select(Person.name)).all()
    return Redactor(directory_names=names).redact(cleaned)
