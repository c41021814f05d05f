"""Mapping files: how an HRIS export's columns and codes become ours, declared in YAML, never code.

A mapping renames columns, translates value codes, states date formats, ignores columns, sets
constants, builds values from templates ("{First} {Last}") and applies a few declarative derivations
that real exports need (monthly pay × 12, a date N years before `as_of`, `as_of` when a flag is set,
an age band from an age). Everything is checked when the file is loaded, so a typo in a mapping is
reported before a single row is read.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from peoplealign.errors import InvalidInputError
from peoplealign.ingest.problems import ProblemLog

TOP_LEVEL_KEYS = frozenset(
    {
        "description",
        "format",
        "delimiter",
        "as_of",
        "columns",
        "ignore",
        "values",
        "dates",
        "constants",
        "templates",
        "derive",
        "create_org_units",
    }
)
DERIVATIONS = frozenset({"multiply", "years_before_as_of", "as_of_when", "band"})


@dataclass(frozen=True)
class Derivation:
    target: str
    kind: str
    source: str
    factor: float = 1.0
    equals: str = ""
    edges: tuple[float, ...] = ()


@dataclass
class Mapping:
    """The identity mapping (no file) expects canonical column names and ISO dates."""

    name: str = "(no mapping)"
    format: str | None = None
    delimiter: str = ","
    as_of: dt.date = field(default_factory=dt.date.today)
    columns: dict[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    derive: tuple[Derivation, ...] = ()
    create_org_units: bool = False

    def consumed(self) -> set[str]:
        """Source columns read by templates or derivations: known, even though not renamed."""
        used = {d.source for d in self.derive}
        for template in self.templates.values():
            used.update(_placeholders(template))
        return used

    def apply(self, frame: pd.DataFrame, lines: np.ndarray, problems: ProblemLog) -> pd.DataFrame:
        """Source strings in, canonical strings out; unknown columns are left for the caller to report."""
        if not (
            self.columns or self.ignore or self.values or self.constants or self.templates or self.derive
        ):
            return frame
        out = frame.rename(columns=self.columns)
        for derivation in self.derive:
            out[derivation.target] = self._derived(derivation, frame, lines, problems)
        for target, template in self.templates.items():
            out[target] = _fill_template(template, frame)
        for target, codes in self.values.items():
            if target in out.columns:
                out[target] = out[target].map(lambda v, c=codes: c.get(str(v).strip(), v))
        for target, constant in self.constants.items():
            if target in out.columns:
                out[target] = out[target].where(out[target].astype(str).str.strip() != "", constant)
            else:
                out[target] = constant
        dropped = [
            c for c in frame.columns if c in self.ignore or (c in self.consumed() and c not in self.columns)
        ]
        kept = out.drop(columns=[c for c in dropped if c in out.columns and c not in self.targets()])
        return kept.astype(object).fillna("")

    def targets(self) -> set[str]:
        return (
            set(self.columns.values())
            | {d.target for d in self.derive}
            | set(self.templates)
            | set(self.constants)
        )

    def _derived(
        self, derivation: Derivation, frame: pd.DataFrame, lines: np.ndarray, problems: ProblemLog
    ) -> pd.Series:
        if derivation.source not in frame.columns:
            problems.add(
                1, derivation.source, f"column needed by derivation of {derivation.target} is missing"
            )
            return pd.Series([""] * len(frame), index=frame.index, dtype=object)
        text = frame[derivation.source].astype(str).str.strip()
        if derivation.kind == "as_of_when":
            return text.map(lambda v: self.as_of.isoformat() if v == derivation.equals else "")
        numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
        bad = (numbers.isna() & (text != "")).to_numpy()
        for line, value in zip(lines[bad][:20].tolist(), text[bad][:20].tolist(), strict=True):
            problems.add(
                int(line),
                derivation.source,
                f"expected a number to derive {derivation.target}, found {value!r}",
            )
        problems.count_unlisted(max(0, int(bad.sum()) - 20))
        if derivation.kind == "multiply":
            return numbers.map(lambda n: "" if pd.isna(n) else repr(float(n) * derivation.factor))
        if derivation.kind == "years_before_as_of":
            return numbers.map(
                lambda n: "" if pd.isna(n) else _years_before(self.as_of, float(n)).isoformat()
            )
        return numbers.map(lambda n: "" if pd.isna(n) else _band(float(n), derivation.edges))


def _years_before(as_of: dt.date, years: float) -> dt.date:
    return as_of - dt.timedelta(days=round(years * 365.25))


def _band(value: float, edges: tuple[float, ...]) -> str:
    lower: float | None = None
    for edge in edges:
        if value < edge:
            return f"<{edge:g}" if lower is None else f"{lower:g}-{edge - 1:g}"
        lower = edge
    return f"{lower:g}+"


def _placeholders(template: str) -> list[str]:
    return [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]


def _fill_template(template: str, frame: pd.DataFrame) -> pd.Series:
    result = pd.Series([""] * len(frame), index=frame.index, dtype=object)
    for text, name, _spec, _conv in string.Formatter().parse(template):
        result = result + text
        if name:
            result = result + frame[name].astype(str).str.strip()
    return result.str.strip()


def load_mapping(path: Path, canonical: Iterable[str]) -> Mapping:
    """Read and check a mapping file against the canonical columns of the kind being imported."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: mapping file not found") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path.name}: not a valid YAML mapping ({exc})") from None
    return MappingChecker(path.name, set(canonical)).build(document or {})


class MappingChecker:
    def __init__(self, name: str, canonical: set[str]) -> None:
        self.name = name
        self.canonical = canonical

    def fail(self, where: str, message: str) -> InvalidInputError:
        return InvalidInputError(f"{self.name}: {where}: {message}")

    def build(self, document: Any) -> Mapping:
        if not isinstance(document, dict):
            raise self.fail("top level", "expected a mapping of settings")
        unknown = sorted(set(document) - TOP_LEVEL_KEYS)
        if unknown:
            raise self.fail(
                unknown[0], f"unknown setting; expected one of {', '.join(sorted(TOP_LEVEL_KEYS))}"
            )
        mapping = Mapping(name=self.name)
        if "format" in document:
            if document["format"] not in ("csv", "jsonl"):
                raise self.fail("format", f"expected csv or jsonl, found {document['format']!r}")
            mapping.format = document["format"]
        if "delimiter" in document:
            delimiter = document["delimiter"]
            if not isinstance(delimiter, str) or len(delimiter) != 1:
                raise self.fail("delimiter", f"expected one character, found {delimiter!r}")
            mapping.delimiter = delimiter
        if "as_of" in document:
            mapping.as_of = self.date("as_of", document["as_of"])
        mapping.columns = {
            source: self.target(f"columns.{source}", target)
            for source, target in self.strings("columns", document.get("columns", {})).items()
        }
        mapping.ignore = frozenset(self.string_list("ignore", document.get("ignore", [])))
        mapping.values = {
            self.target(f"values.{target}", target): self.strings(f"values.{target}", codes)
            for target, codes in self.section("values", document).items()
        }
        mapping.dates = self.dates(self.section("dates", document))
        mapping.constants = {
            self.target(f"constants.{t}", t): v
            for t, v in self.strings("constants", document.get("constants", {})).items()
        }
        mapping.templates = {
            self.target(f"templates.{t}", t): v
            for t, v in self.strings("templates", document.get("templates", {})).items()
        }
        mapping.derive = tuple(
            self.derivation(t, spec) for t, spec in self.section("derive", document).items()
        )
        create = document.get("create_org_units", False)
        if not isinstance(create, bool):
            raise self.fail("create_org_units", f"expected true or false, found {create!r}")
        mapping.create_org_units = create
        return mapping

    def section(self, key: str, document: dict[str, Any]) -> dict[str, Any]:
        value = document.get(key) or {}
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping")
        return {str(k): v for k, v in value.items()}

    def strings(self, where: str, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected a mapping of names to values")
        out: dict[str, str] = {}
        for key, item in value.items():
            if isinstance(item, (dict, list)) or item is None:
                raise self.fail(f"{where}.{key}", f"expected a single value, found {item!r}")
            out[str(key)] = _scalar_text(item)
        return out

    def string_list(self, where: str, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.fail(where, "expected a list of column names")
        return [str(v) for v in value]

    def target(self, where: str, target: str) -> str:
        if target not in self.canonical:
            raise self.fail(
                where, f"{target!r} is not a column here; expected one of {', '.join(sorted(self.canonical))}"
            )
        return target

    def date(self, where: str, value: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(where, f"expected a date YYYY-MM-DD, found {value!r}") from None

    def dates(self, section: dict[str, Any]) -> dict[str, str]:
        formats: dict[str, str] = {}
        for target, fmt in section.items():
            self.target(f"dates.{target}", target)
            if not isinstance(fmt, str) or "%" not in fmt:
                raise self.fail(
                    f"dates.{target}", f"expected a strftime format such as %d/%m/%Y, found {fmt!r}"
                )
            formats[target] = fmt
        return formats

    def derivation(self, target: str, spec: Any) -> Derivation:
        where = f"derive.{target}"
        self.target(where, target)
        if not isinstance(spec, dict) or len(spec) != 1:
            raise self.fail(where, f"expected exactly one of {', '.join(sorted(DERIVATIONS))}")
        ((kind, args),) = spec.items()
        if kind not in DERIVATIONS:
            raise self.fail(
                where, f"unknown derivation {kind!r}; expected one of {', '.join(sorted(DERIVATIONS))}"
            )
        if kind == "years_before_as_of":
            if not isinstance(args, str):
                raise self.fail(f"{where}.{kind}", "expected the name of a column holding years")
            return Derivation(target, kind, args)
        if not isinstance(args, dict) or not isinstance(args.get("column"), str):
            raise self.fail(f"{where}.{kind}", "expected a mapping with a 'column'")
        column = args["column"]
        if kind == "multiply":
            by = args.get("by")
            if not isinstance(by, (int, float)) or isinstance(by, bool):
                raise self.fail(f"{where}.{kind}.by", f"expected a number, found {by!r}")
            return Derivation(target, kind, column, factor=float(by))
        if kind == "as_of_when":
            if "equals" not in args:
                raise self.fail(f"{where}.{kind}", "expected 'equals': the value that sets the date")
            return Derivation(target, kind, column, equals=_scalar_text(args["equals"]))
        edges = args.get("edges")
        if not isinstance(edges, list) or not edges or not all(isinstance(e, (int, float)) for e in edges):
            raise self.fail(f"{where}.{kind}.edges", "expected a non-empty list of numbers")
        if sorted(edges) != edges:
            raise self.fail(f"{where}.{kind}.edges", "expected numbers in increasing order")
        return Derivation(target, kind, column, edges=tuple(float(e) for e in edges))


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
