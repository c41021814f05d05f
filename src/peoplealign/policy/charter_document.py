"""The People Alignment Charter as a typed, read-only document.

The policy engine, the ethics statement and retention all read this one object, so what employees
are told and what the software enforces cannot drift apart. Validation names the place in the
document (`data_sources[2].retention_days`) so whoever edits the YAML can fix it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from peoplealign.errors import InvalidInputError

SCOPES = ("self", "own_subtree", "organisation")


class CharterValidationError(InvalidInputError):
    """Every problem in a charter at once, each prefixed with its path in the document."""

    def __init__(self, source_name: str, problems: list[str]) -> None:
        self.source_name = source_name
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source_name}: {len(problems)} problem(s) in the charter:\n{listed}")


@dataclass(frozen=True)
class DataSource:
    key: str
    name: str
    description: str
    fields: tuple[str, ...]
    purposes: tuple[str, ...]
    retention_days: int
    after_retention: str
    raw_access: tuple[str, ...]
    aggregate_access: tuple[str, ...]
    employee_benefit: str


@dataclass(frozen=True)
class Audience:
    role: str
    scope: str
    views: tuple[str, ...]
    individual_data: tuple[str, ...]


@dataclass(frozen=True)
class ProhibitedUse:
    key: str
    description: str
    inputs: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionRule:
    type: str
    second_reviewer: bool
    forbidden_inputs: tuple[str, ...]


@dataclass(frozen=True)
class NorthStarObjective:
    code: str
    name: str
    why: str
    priority: int
    target_metric: str | None
    target_value: float | None
    direction: str | None
    target_date: dt.date | None
    linked_themes: tuple[str, ...]
    linked_metrics: tuple[str, ...]


@dataclass(frozen=True)
class Contact:
    role: str
    name: str
    email: str


@dataclass(frozen=True)
class MetricConsensus:
    quorum: float = 0.6
    approval: float = 0.75
    max_active_kpis: int = 5
    min_active_kpis: int = 3


@dataclass(frozen=True)
class Fairness:
    min_selection_rate_ratio: float = 0.8
    min_group_size: int = 5


class CharterDocument:
    """A validated charter; never mutate it, build a new version instead.

    `version` 0 with `is_default=True` is the strict charter that ships with the package, in force
    until an executive approves one of the organisation's own."""

    def __init__(
        self,
        document: Mapping[str, Any],
        *,
        version: int = 0,
        is_default: bool = False,
        status: str = "draft",
        approved_by: str | None = None,
        approved_at: dt.datetime | None = None,
    ) -> None:
        self._doc: dict[str, Any] = copy.deepcopy(dict(document))
        self.version = version
        self.is_default = is_default
        self.status = status
        self.approved_by = approved_by
        self.approved_at = approved_at
        self._sources = {s["key"]: _data_source(s) for s in self._doc["data_sources"]}
        self._audiences = {
            role: Audience(role, a["scope"], tuple(a["views"]), tuple(a["individual_data"]))
            for role, a in self._doc["audiences"].items()
        }

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self._doc)

    @property
    def organisation(self) -> str:
        return str(self._doc["organisation"])

    @property
    def effective_from(self) -> dt.date | None:
        return _date(self._doc.get("effective_from"))

    @property
    def k_aggregate(self) -> int:
        return int(self._doc["thresholds"]["k_aggregate"])

    @property
    def k_comments(self) -> int:
        return int(self._doc["thresholds"]["k_comments"])

    @property
    def sources(self) -> tuple[DataSource, ...]:
        return tuple(self._sources.values())

    def source(self, key: str) -> DataSource | None:
        return self._sources.get(key)

    def allows_purpose(self, source_key: str, purpose: str) -> bool:
        source = self._sources.get(source_key)
        return source is not None and purpose in source.purposes

    @property
    def audiences(self) -> tuple[Audience, ...]:
        return tuple(self._audiences.values())

    def audience(self, role: str) -> Audience | None:
        return self._audiences.get(role)

    def scope_for(self, roles: Iterable[str]) -> str:
        """The widest scope any of the roles grants; no audience at all means only oneself."""
        granted = [a.scope for r in roles if (a := self._audiences.get(r)) is not None]
        return max(granted, key=SCOPES.index, default="self")

    def views_for(self, roles: Iterable[str]) -> set[str]:
        return {v for r in roles if (a := self._audiences.get(r)) is not None for v in a.views}

    def individual_data_for(self, roles: Iterable[str]) -> set[str]:
        return {d for r in roles if (a := self._audiences.get(r)) is not None for d in a.individual_data}

    @cached_property
    def prohibited_uses(self) -> tuple[ProhibitedUse, ...]:
        return tuple(
            ProhibitedUse(
                u["key"], u["description"], tuple(u.get("inputs", ())), tuple(u.get("decisions", ()))
            )
            for u in self._doc["prohibited_uses"]
        )

    @cached_property
    def decision_rules(self) -> tuple[DecisionRule, ...]:
        return tuple(
            DecisionRule(
                d["type"], bool(d.get("second_reviewer", False)), tuple(d.get("forbidden_inputs", ()))
            )
            for d in self._doc["decisions_requiring_human"]
        )

    def decision_rule(self, decision_type: str) -> DecisionRule | None:
        """None means the charter does not list this decision as one that needs a human."""
        return next((r for r in self.decision_rules if r.type == decision_type), None)

    @cached_property
    def metric_consensus(self) -> MetricConsensus:
        return MetricConsensus(**self._doc.get("metric_consensus", {}))

    @cached_property
    def fairness(self) -> Fairness:
        return Fairness(**self._doc.get("fairness", {}))

    @cached_property
    def objectives(self) -> tuple[NorthStarObjective, ...]:
        return tuple(_objective(o) for o in self._doc.get("north_star", ()))

    @cached_property
    def contacts(self) -> tuple[Contact, ...]:
        return tuple(Contact(c["role"], c["name"], c["email"]) for c in self._doc["contacts"])

    def __repr__(self) -> str:
        return (
            f"CharterDocument(version={self.version}, status={self.status!r}, is_default={self.is_default})"
        )


def _data_source(s: Mapping[str, Any]) -> DataSource:
    return DataSource(
        key=s["key"],
        name=s["name"],
        description=s["description"],
        fields=tuple(s["fields"]),
        purposes=tuple(s["purposes"]),
        retention_days=int(s["retention_days"]),
        after_retention=s["after_retention"],
        raw_access=tuple(s["raw_access"]),
        aggregate_access=tuple(s["aggregate_access"]),
        employee_benefit=s["employee_benefit"],
    )


def _objective(o: Mapping[str, Any]) -> NorthStarObjective:
    target = o.get("target") or {}
    return NorthStarObjective(
        code=o["code"],
        name=o["name"],
        why=o["why"],
        priority=int(o.get("priority", 1)),
        target_metric=target.get("metric"),
        target_value=None if target.get("value") is None else float(target["value"]),
        direction=target.get("direction"),
        target_date=_date(target.get("by")),
        linked_themes=tuple(o.get("linked_themes", ())),
        linked_metrics=tuple(o.get("linked_metrics", ())),
    )


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


# --- parsing and validation -----------------------------------------------------------------------


@cache
def _validator() -> Draft202012Validator:
    text = resources.files("peoplealign.policy").joinpath("charter_schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def _json_ready(value: Any) -> Any:
    """YAML turns `2026-01-01` into a date; the stored document and the schema want plain JSON."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def _expected(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type", "value")
    bounds = []
    if "minimum" in schema:
        bounds.append(f"≥ {schema['minimum']}")
    if "maximum" in schema:
        bounds.append(f"≤ {schema['maximum']}")
    return " ".join([f"expected {kind}", " and ".join(bounds)]).strip()


def _describe(error: ValidationError) -> str:
    """One line a charter author understands, instead of jsonschema's internal wording."""
    path = list(error.absolute_path)
    got = f" (got {error.instance!r})"
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    match error.validator:
        case "required":
            return f"{_path(path)}: missing {error.message.replace(' is a required property', '')}"
        case "additionalProperties":
            return f"{_path(path)}: {error.message}"
        case "type" | "minimum" | "maximum":
            return f"{_path(path)}: {_expected(schema)}{got}"
        case "enum":
            return f"{_path(path)}: expected one of {', '.join(map(str, schema['enum']))}{got}"
        case "const":
            return f"{_path(path)}: expected {schema['const']!r}{got}"
        case "minItems":
            return f"{_path(path)}: expected at least {schema['minItems']} item(s)"
        case "uniqueItems":
            return f"{_path(path)}: items must not repeat"
        case "minLength":
            return f"{_path(path)}: must not be empty"
        case "pattern":
            hints = {"[0-9]{4}": "a date YYYY-MM-DD", "@": "an email address"}
            hint = next((h for k, h in hints.items() if k in schema["pattern"]), "a lower-case key")
            return f"{_path(path)}: expected {hint}{got}"
        case _:
            return f"{_path(path)}: {error.message}"


def _semantic_problems(doc: Mapping[str, Any]) -> list[str]:
    """Rules a JSON Schema cannot say: unique keys, consistent KPI bounds."""
    problems: list[str] = []
    for section, key in (("data_sources", "key"), ("north_star", "code"), ("prohibited_uses", "key")):
        seen: set[str] = set()
        for i, item in enumerate(doc.get(section, ())):
            if item[key] in seen:
                problems.append(f"{section}[{i}].{key}: {item[key]!r} appears more than once")
            seen.add(item[key])
    seen_types: set[str] = set()
    for i, rule in enumerate(doc.get("decisions_requiring_human", ())):
        if rule["type"] in seen_types:
            problems.append(f"decisions_requiring_human[{i}].type: {rule['type']!r} appears more than once")
        seen_types.add(rule["type"])
    consensus = doc.get("metric_consensus", {})
    low, high = consensus.get("min_active_kpis"), consensus.get("max_active_kpis")
    if low is not None and high is not None and low > high:
        problems.append(f"metric_consensus.min_active_kpis: {low} is more than max_active_kpis {high}")
    return problems


def validate_document(document: Any, source_name: str = "charter") -> dict[str, Any]:
    """The document as plain JSON, or a `CharterValidationError` listing every problem with its path."""
    doc = _json_ready(document)
    if not isinstance(doc, dict):
        raise CharterValidationError(source_name, ["(document): expected a mapping of charter sections"])
    errors = sorted(_validator().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [_describe(e) for e in errors]
    if not problems:
        problems = _semantic_problems(doc)
    if problems:
        raise CharterValidationError(source_name, problems)
    return doc


def parse_yaml(text: str, source_name: str = "charter.yaml") -> CharterDocument:
    """A draft document from YAML text; nothing is stored or enforced until it is applied and approved."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CharterValidationError(source_name, [f"not valid YAML{where}: {problem}"]) from None
    return CharterDocument(validate_document(loaded, source_name))


def default_yaml() -> str:
    return resources.files("peoplealign.policy").joinpath("default_charter.yaml").read_text("utf-8")


@cache
def load_default() -> CharterDocument:
    """The strict charter that ships with peoplealign: in force until one is approved."""
    doc = parse_yaml(default_yaml(), "default_charter.yaml")
    return CharterDocument(doc.as_dict(), version=0, is_default=True, status="default")
