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


def bounded_text(text: str | None, *, what: str, limit: int = MAX_LENGTH) -> str | None:
    """The text stripped, None when empty. Too long is refused rather than cut, so nobody finds the
    end of what they wrote silently gone."""
    cleaned = (text or "").strip()
    if len(cleaned) > limit:
        raise InvalidInputError(f"{what} is {len(cleaned)} characters long; at most {limit} are kept")
    return cleaned or None


def redacted_text(session: Session, text: str | None, *, what: str, required: bool = True) -> str | None:
    """The text stripped and redacted; empty text is refused when `required`, else None."""
    from peoplealign.policy.redaction import Redactor

    cleaned = bounded_text(text, what=what)
    if cleaned is None:
        if required:
            raise InvalidInputError(f"{what} must not be empty")
        return None
    names = session.scalars(select(Person.name)).all()
    return Redactor(directory_names=names).redact(cleaned)
