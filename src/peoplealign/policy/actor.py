"""Who is asking. Every read of personal data names an actor; jobs that run unattended act as a
named system actor so the audit trail still says who did what."""

from __future__ import annotations

from dataclasses import dataclass, field

from peoplealign.store.models import User


@dataclass(frozen=True)
class Actor:
    email: str
    roles: frozenset[str]
    user_id: int | None = None
    person_id: int | None = None
    is_system: bool = field(default=False)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @classmethod
    def from_user(cls, user: User) -> Actor:
        return cls(email=user.email, roles=frozenset(user.roles), user_id=user.id, person_id=user.person_id)

    @classmethod
    def system(cls, job: str) -> Actor:
        """An unattended job (import, retention, scoring) acting with administrative rights."""
        return cls(email=f"system:{job}", roles=frozenset({"admin"}), is_system=True)
