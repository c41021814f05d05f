"""What an AI input named in a career decision is, in the charter's terms.

A decision may list the model outputs its maker considered (`prediction:12`, `recommendation:5`).
Each is classified by the charter data source it derives from, so the charter's forbidden inputs
(`decisions_requiring_human[].forbidden_inputs`, `prohibited_uses[].inputs`) can be checked against
that source's fields: every prediction is a derived insight (flight risk, its band and factors), a
stay-interview recommendation comes from one, a development offer from skills, a rebalance or
coaching suggestion from work patterns. Only the kind, model and person of a row are read here,
never its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.policy.charter_document import CharterDocument
from peoplealign.policy.recommendation_access import KIND_RULES
from peoplealign.store.models import ModelCard, Prediction, Recommendation

PREDICTION_SOURCE = "predictions"
KINDS = ("prediction", "recommendation")


@dataclass(frozen=True)
class ConsideredInput:
    ref: str  # "prediction:12"
    kind: str
    id: int
    source: str
    fields: tuple[str, ...]
    label: str
    model_version: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "id": self.id,
            "source": self.source,
            "label": self.label,
            "model_version": self.model_version,
        }


def parse_refs(text: str | Sequence[str] | None) -> list[str]:
    """ "prediction:12,recommendation:5" or a list of such parts; blanks are ignored."""
    parts = text.split(",") if isinstance(text, str) else list(text or ())
    return [p.strip() for p in parts if p and p.strip()]


def _candidates(ref: str) -> tuple[list[str], int]:
    """The kinds a reference may name: its own, or both for a bare id."""
    kind, sep, number = ref.partition(":")
    if not sep:
        kind, number = "", ref
    if not number.strip().isdigit() or (kind and kind not in KINDS):
        raise InvalidInputError(
            f"considered input {ref!r}: expected prediction:ID or recommendation:ID (or a bare ID)"
        )
    return ([kind] if kind else list(KINDS)), int(number)


def _describe(
    session: Session, charter: CharterDocument, kind: str, row_id: int
) -> tuple[int | None, ConsideredInput] | None:
    """(the person it is about, the input), or None if there is no such row."""
    if kind == "prediction":
        row = session.execute(
            select(Prediction.person_id, ModelCard.model_name, ModelCard.version)
            .join(ModelCard, ModelCard.id == Prediction.model_card_id)
            .where(Prediction.id == row_id)
        ).first()
        if row is None:
            return None
        person, source = row.person_id, PREDICTION_SOURCE
        label, version = f"{row.model_name} estimate", row.version
    else:
        rec = session.get(Recommendation, row_id)
        if rec is None:
            return None
        rule = KIND_RULES.get(rec.kind)
        if rule is None:
            raise InvalidInputError(f"recommendation {row_id} has unknown kind {rec.kind!r}")
        person, source = rec.subject_person_id, rule.source
        label, version = f"{rec.kind.replace('_', ' ')} recommendation", rec.model_version
    data = charter.source(source)
    fields = data.fields if data is not None else ()
    return person, ConsideredInput(f"{kind}:{row_id}", kind, row_id, source, fields, label, version)


def classify(
    session: Session,
    charter: CharterDocument,
    refs: Sequence[str],
    subject_person_id: int,
    decision_type: str,
) -> list[ConsideredInput]:
    """Each reference resolved and classified. One about somebody else is refused. A bare id that
    names both a prediction and a recommendation about the subject counts as both when either is
    forbidden for the decision type (so the refusal cannot be dodged by leaving out the kind), and is
    otherwise refused as ambiguous."""
    found: list[ConsideredInput] = []
    for ref in refs:
        kinds, row_id = _candidates(ref)
        described = [d for d in (_describe(session, charter, k, row_id) for k in kinds) if d is not None]
        if not described:
            raise NotFoundError(f"considered input {ref!r}: no {' or '.join(kinds)} with id {row_id}")
        about = [item for person, item in described if person is None or person == subject_person_id]
        if not about:
            raise InvalidInputError(f"considered input {ref!r} is about another person, not the decision's")
        if len(about) > 1 and forbidden(charter, decision_type, about) is None:
            raise InvalidInputError(
                f"considered input {ref!r} names both a prediction and a recommendation; "
                f"write prediction:{row_id} or recommendation:{row_id}"
            )
        found.extend(about)
    return found


def forbidden(
    charter: CharterDocument, decision_type: str, inputs: Sequence[ConsideredInput]
) -> tuple[ConsideredInput, str, str] | None:
    """The first input the charter forbids for this decision type: (input, why, charter rule)."""
    rule = charter.decision_rule(decision_type)
    for item in inputs:
        if rule is not None and set(rule.forbidden_inputs) & set(item.fields):
            names = ", ".join(sorted(set(rule.forbidden_inputs) & set(item.fields)))
            return (
                item,
                f"{item.label} ({item.ref}) is derived from {names}, which may not be used in a "
                f"{decision_type.replace('_', ' ')} decision",
                f"decisions_requiring_human.{decision_type}.forbidden_inputs",
            )
        for use in charter.prohibited_uses:
            if decision_type in use.decisions and set(use.inputs) & set(item.fields):
                return item, f"{use.description} ({item.label}, {item.ref})", f"prohibited_uses.{use.key}"
    return None
