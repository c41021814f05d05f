"""Metric definitions: declarative, versioned specs that name a library measure and set its
parameters. A spec is data (YAML or JSON validated against a JSON Schema built from the library),
never code, so what a workshop agrees on can be read, compared and audited by anyone.

Each change is a new version of the metric's key. A version moves draft → in_review → approved →
retired; a metric's active version is its approved one, and approving a version retires the one
it replaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError, NotFoundError
from peoplealign.metrics.library import MEASURES, measure
from peoplealign.store.models import MetricDefinition

STATUSES = ("draft", "in_review", "approved", "retired")
AUDIENCES = ("employee", "manager", "hr_partner", "analyst", "executive")
KEY_PATTERN = "^[a-z][a-z0-9_-]{1,99}$"


@dataclass(frozen=True)
class Spec:
    """A validated spec with its parameters resolved against the measure's defaults."""

    key: str
    name: str
    measure: str
    parameters: dict[str, Any]
    definition: str
    unit: str
    higher_is_better: bool
    owner: str
    audience: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "measure": self.measure,
            "parameters": self.parameters,
            "definition": self.definition,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "owner": self.owner,
            "audience": self.audience,
        }


@cache
def spec_schema() -> dict[str, Any]:
    """The JSON Schema of a spec: the common fields, and per measure the parameters it takes."""
    per_measure = [
        {
            "if": {"properties": {"measure": {"const": m.key}}},
            "then": {
                "properties": {
                    "parameters": {
                        "type": "object",
                        "properties": {p.name: p.schema() for p in m.parameters},
                        "additionalProperties": False,
                    }
                }
            },
        }
        for m in MEASURES.values()
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "peoplealign metric definition",
        "type": "object",
        "required": ["key", "measure"],
        "additionalProperties": False,
        "properties": {
            "key": {"type": "string", "pattern": KEY_PATTERN},
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "measure": {"type": "string", "enum": sorted(MEASURES)},
            "parameters": {"type": "object"},
            "definition": {"type": "string", "minLength": 1},
            "owner": {"type": "string", "minLength": 1, "maxLength": 254},
            "audience": {"type": "string", "enum": list(AUDIENCES)},
        },
        "allOf": per_measure,
    }


def validate_spec(document: Any, source_name: str = "spec") -> Spec:
    """A spec from parsed YAML/JSON, or an error listing every problem with its place."""
    if not isinstance(document, Mapping):
        raise InvalidInputError(f"{source_name}: expected a mapping with key, measure and parameters")
    errors = sorted(
        Draft202012Validator(spec_schema()).iter_errors(dict(document)),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    if errors:
        problems = "; ".join(
            f"{'.'.join(map(str, e.absolute_path)) or '(spec)'}: {e.message}" for e in errors
        )
        raise InvalidInputError(f"{source_name}: {problems}")
    chosen = measure(document["measure"])
    parameters = chosen.resolve(document.get("parameters") or {})
    return Spec(
        key=document["key"],
        name=document.get("name") or chosen.name,
        measure=chosen.key,
        parameters=parameters,
        definition=document.get("definition") or chosen.definition,
        unit=chosen.unit,
        higher_is_better=chosen.higher_is_better_for(parameters),
        owner=document.get("owner") or chosen.owner,
        audience=document.get("audience") or chosen.audience,
    )


def parse_spec(text: str, source_name: str = "spec") -> Spec:
    """YAML (which includes JSON) text → a validated spec."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"{source_name}: not valid YAML or JSON ({exc})") from None
    return validate_spec(loaded, source_name)


def spec_for_measure(
    measure_key: str, key: str | None = None, parameters: Mapping[str, Any] | None = None
) -> Spec:
    """The spec a proposal starts from when it only names a library measure."""
    return validate_spec(
        {"key": key or measure_key, "measure": measure_key, "parameters": dict(parameters or {})}
    )


def with_parameters(spec: Spec, parameters: Mapping[str, Any]) -> Spec:
    """The same metric with other settings: checked against the measure, and with the direction
    those settings give (a collaboration metric switched to constraint is better when lower)."""
    chosen = measure(spec.measure)
    resolved = chosen.resolve(parameters)
    return replace(spec, parameters=resolved, higher_is_better=chosen.higher_is_better_for(resolved))


def spec_of(row: MetricDefinition) -> Spec:
    return Spec(
        key=row.key,
        name=row.name,
        measure=row.measure,
        parameters=dict(row.parameters or {}),
        definition=row.definition,
        unit=row.unit or "",
        higher_is_better=row.higher_is_better,
        owner=row.owner or "",
        audience=row.audience or "",
    )


def next_version(session: Session, key: str) -> int:
    latest = session.scalar(select(func.max(MetricDefinition.version)).where(MetricDefinition.key == key))
    return int(latest or 0) + 1


def store_version(
    session: Session, spec: Spec, *, status: str = "draft", workshop_id: int | None = None
) -> MetricDefinition:
    """A new version of the spec's key; earlier versions are untouched (they are the history)."""
    if status not in STATUSES:
        raise InvalidInputError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    row = MetricDefinition(
        key=spec.key,
        version=next_version(session, spec.key),
        name=spec.name,
        measure=spec.measure,
        parameters=spec.parameters,
        definition=spec.definition,
        unit=spec.unit,
        higher_is_better=spec.higher_is_better,
        owner=spec.owner,
        audience=spec.audience,
        status=status,
        workshop_id=workshop_id,
    )
    session.add(row)
    session.flush()
    return row


def get_definition(session: Session, key: str, version: int | None = None) -> MetricDefinition:
    """A version of a metric: the given one, else the active (approved) one, else the latest."""
    query = select(MetricDefinition).where(MetricDefinition.key == key)
    if version is not None:
        found = session.scalar(query.where(MetricDefinition.version == version))
    else:
        found = session.scalar(query.where(MetricDefinition.status == "approved")) or session.scalar(
            query.order_by(MetricDefinition.version.desc()).limit(1)
        )
    if found is None:
        suffix = f" version {version}" if version is not None else ""
        raise NotFoundError(f"no metric definition {key!r}{suffix}")
    return found


def active_definitions(session: Session) -> list[MetricDefinition]:
    """The approved version of every metric: what dashboards may show."""
    return list(
        session.scalars(
            select(MetricDefinition)
            .where(MetricDefinition.status == "approved")
            .order_by(MetricDefinition.key)
        )
    )


def all_definitions(session: Session) -> list[MetricDefinition]:
    return list(
        session.scalars(select(MetricDefinition).order_by(MetricDefinition.key, MetricDefinition.version))
    )
