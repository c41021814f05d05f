"""The policy engine: may this actor read this data for this purpose, and under which obligations?

`authorize` is a pure function of the charter and the request, so every rule is testable without a
database. `enforce` is what the query helpers call: it audits a denial in a transaction of its own
(so the caller's rollback cannot erase it) and raises `PolicyDenied`, which the CLI and the web turn
into a clear message naming who asked, for what, for which purpose and which charter rule refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from peoplealign.errors import PermissionDeniedError
from peoplealign.policy.actor import Actor
from peoplealign.policy.scope import Scope, widest

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from peoplealign.policy.charter_document import CharterDocument


class Action(StrEnum):
    READ_AGGREGATE = "read_aggregate"  # cells over groups of people, k-suppressed
    READ_INDIVIDUAL = "read_individual"  # someone else's record
    READ_OWN = "read_own"  # the actor's own record: always theirs to see, for an allowed purpose


# Which individual-level data type (the charter's `audiences.<role>.individual_data`) a raw read of a
# data source needs, and the scope that type reaches.
INDIVIDUAL_TYPES: Mapping[str, tuple[tuple[str, Scope], ...]] = {
    "hris": (("profile", Scope.ORGANISATION), ("team_profile", Scope.OWN_SUBTREE)),
    "skills": (("skills", Scope.ORGANISATION), ("team_profile", Scope.OWN_SUBTREE)),
    "predictions": (("flight_risk", Scope.ORGANISATION),),
}

# Reads the charter's prohibited uses forbid outright, whatever the roles and purpose.
PROHIBITED_READS: Mapping[tuple[str, Action], str] = {
    ("survey", Action.READ_INDIVIDUAL): "individual_survey_answers",
    ("survey", Action.READ_OWN): "individual_survey_answers",
    ("activity", Action.READ_INDIVIDUAL): "individual_productivity_ranking",
    ("collaboration", Action.READ_INDIVIDUAL): "message_content",
}

PAY_FIELDS = frozenset({"salary", "pay_band_min", "pay_band_max"})
EXIT_FIELDS = frozenset({"exit_reason", "exit_regretted"})
IDENTITY_FIELDS = frozenset({"name", "email"})
IDENTITY_ROLES = frozenset({"hr_partner", "admin"})


@dataclass(frozen=True)
class Obligations:
    """What the reader must do with the data: suppress below k, stay in scope, drop or mask fields."""

    k: int
    scope: Scope
    redact_fields: frozenset[str] = field(default_factory=frozenset)
    remove_fields: frozenset[str] = field(default_factory=frozenset)

    def as_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "scope": self.scope.value,
            "redact_fields": sorted(self.redact_fields),
            "remove_fields": sorted(self.remove_fields),
        }


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    rule: str
    obligations: Obligations | None = None


class PolicyDenied(PermissionDeniedError):
    """A read the charter does not allow; the message says who, what, why and which rule."""

    def __init__(self, actor: Actor, action: str, resource: str, purpose: str, decision: Decision) -> None:
        self.actor = actor
        self.action = action
        self.resource = resource
        self.purpose = purpose
        self.decision = decision
        super().__init__(
            f"denied: {actor.email} may not {action.replace('_', ' ')} of {resource!r} "
            f"for purpose {purpose!r}: {decision.reason} (charter rule: {decision.rule})"
        )


def _deny(reason: str, rule: str) -> Decision:
    return Decision(False, reason, rule)


def _roles_text(roles: Iterable[str]) -> str:
    return ", ".join(sorted(roles)) or "none"


def authorize(
    charter: CharterDocument,
    actor: Actor,
    action: Action,
    resource: str,
    purpose: str,
) -> Decision:
    """Decide one request. `resource` is a data source key of the charter (hris, survey, ...)."""
    source = charter.source(resource)
    if source is None:
        return _deny(f"the charter names no data source {resource!r}", "data_sources")
    for use in charter.prohibited_uses:
        if purpose in use.decisions and set(use.inputs) & set(source.fields):
            return _deny(use.description, f"prohibited_uses.{use.key}")
    if not charter.allows_purpose(resource, purpose):
        return _deny(
            f"{source.name} may be used only for {', '.join(source.purposes)}",
            f"data_sources.{resource}.purposes",
        )
    prohibited = PROHIBITED_READS.get((resource, action))
    for use in charter.prohibited_uses:
        if use.key == prohibited:
            return _deny(use.description, f"prohibited_uses.{use.key}")
    scope = Scope(charter.scope_for(actor.roles))
    k = charter.k_comments if resource == "comments" else charter.k_aggregate
    if action is Action.READ_AGGREGATE:
        if not actor.roles & set(source.aggregate_access):
            return _deny(
                f"aggregates of {source.name} are for {_roles_text(source.aggregate_access)}, "
                f"not {_roles_text(actor.roles)}",
                f"data_sources.{resource}.aggregate_access",
            )
        return Decision(
            True, "aggregate access", f"data_sources.{resource}.aggregate_access", Obligations(k, scope)
        )
    if action is Action.READ_OWN:
        return Decision(
            True,
            "everyone may see their own data",
            "audiences.*.individual_data: self",
            Obligations(1, Scope.SELF),
        )
    return _authorize_individual(charter, actor, resource, k)


def _authorize_individual(charter: CharterDocument, actor: Actor, resource: str, k: int) -> Decision:
    """Someone else's record: needs raw access to the source and an individual-level data type."""
    source = charter.source(resource)
    assert source is not None
    granted = set(charter.individual_data_for(actor.roles))
    raw = bool(actor.roles & set(source.raw_access))
    reach = [
        scope
        for data_type, scope in INDIVIDUAL_TYPES.get(resource, ())
        if data_type in granted and (raw or scope is Scope.OWN_SUBTREE)
    ]
    if not reach:
        return _deny(
            f"individual records of {source.name} are not among what {_roles_text(actor.roles)} may see",
            f"data_sources.{resource}.raw_access / audiences.*.individual_data",
        )
    scope = widest(reach)
    remove: set[str] = set()
    redact: set[str] = set()
    if scope is Scope.OWN_SUBTREE:
        remove |= PAY_FIELDS | EXIT_FIELDS
    if not actor.roles & IDENTITY_ROLES and scope is Scope.ORGANISATION:
        redact |= IDENTITY_FIELDS
    return Decision(
        True,
        "individual access",
        f"audiences.*.individual_data ({', '.join(sorted(granted))})",
        Obligations(k, scope, frozenset(redact), frozenset(remove)),
    )


def enforce(
    session: Session,
    charter: CharterDocument,
    actor: Actor,
    action: Action,
    resource: str,
    purpose: str,
    *,
    subject: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> Obligations:
    """Authorize or audit the denial (in its own transaction) and raise `PolicyDenied`."""
    decision = authorize(charter, actor, action, resource, purpose)
    if not decision.allowed or decision.obligations is None:
        deny(session, actor, action.value, resource, purpose, decision, subject=subject, detail=detail)
    assert decision.obligations is not None
    return decision.obligations


def deny(
    session: Session,
    actor: Actor,
    action: str,
    resource: str,
    purpose: str,
    decision: Decision,
    *,
    subject: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Audit a refusal so it survives the caller's rollback, then raise it."""
    from peoplealign.policy import audit

    audit.record_denial(
        session,
        actor,
        action,
        resource,
        subject=subject,
        purpose=purpose,
        detail={**(detail or {}), "reason": decision.reason, "rule": decision.rule},
    )
    raise PolicyDenied(actor, action, resource, purpose, decision)
