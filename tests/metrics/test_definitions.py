"""Metric definitions are data checked against a JSON Schema built from the library, never code."""

from __future__ import annotations

import json

import pytest

from peoplealign.errors import InvalidInputError
from peoplealign.metrics.definitions import parse_spec, spec_for_measure, spec_schema, validate_spec
from peoplealign.metrics.library import MEASURES


def test_yaml_and_json_specs_resolve_defaults() -> None:
    from_yaml = parse_spec("key: burnout\nmeasure: burnout_risk_index\nparameters: {window_days: 60}\n")
    from_json = parse_spec(
        json.dumps({"key": "burnout", "measure": "burnout_risk_index", "parameters": {"window_days": 60}})
    )
    assert from_yaml == from_json
    assert from_yaml.parameters["window_days"] == 60 and from_yaml.parameters["after_hours_ceiling"] == 0.25
    assert from_yaml.name == "Burnout risk index" and not from_yaml.higher_is_better
    assert from_yaml.definition == MEASURES["burnout_risk_index"].definition


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"key": "x1", "measure": "retention", "code": "import os"}, "Additional properties"),
        ({"key": "x1", "measure": "eval"}, "is not one of"),
        ({"key": "Bad Key", "measure": "retention"}, "does not match"),
        ({"key": "x1", "measure": "retention", "parameters": {"window_days": 3}}, "minimum"),
        ({"key": "x1", "measure": "retention", "parameters": {"lambda": 1}}, "Additional properties"),
        ({"key": "x1", "measure": "team_collaboration", "parameters": {"component": "x"}}, "is not one of"),
        ({"key": "x1", "measure": "retention", "audience": "everyone"}, "is not one of"),
        ({"measure": "retention"}, "'key' is a required property"),
        (["retention"], "expected a mapping"),
    ],
)
def test_invalid_specs_are_refused_with_their_place(document: object, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        validate_spec(document)


def test_not_yaml_is_a_clear_error() -> None:
    with pytest.raises(InvalidInputError, match="not valid YAML or JSON"):
        parse_spec("key: [unclosed", "metric.yaml")


def test_every_library_parameter_is_in_the_schema_and_defaults_validate() -> None:
    schema = json.dumps(spec_schema())
    for measure in MEASURES.values():
        spec = spec_for_measure(measure.key)
        assert spec.parameters == {p.name: p.default for p in measure.parameters}
        for parameter in measure.parameters:
            assert f'"{parameter.name}"' in schema
