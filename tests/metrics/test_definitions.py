"""Metric definitions are data checked against a JSON Schema built from the library, never code."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.errors import InvalidInputError
from peoplealign.metrics.definitions import (
    parse_spec,
    spec_for_measure,
    spec_schema,
    validate_spec,
    with_parameters,
)
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


def test_the_direction_follows_the_chosen_component() -> None:
    """Burt's constraint falls as a team gains bridging ties: with it, lower is better."""
    shares = spec_for_measure("team_collaboration")
    constraint = spec_for_measure("team_collaboration", parameters={"component": "constraint"})
    assert shares.higher_is_better and not constraint.higher_is_better
    assert with_parameters(shares, {"component": "constraint"}).higher_is_better is False
    assert with_parameters(constraint, {"component": "density"}).higher_is_better is True
    described = MEASURES["team_collaboration"].describe()
    assert described["higher_is_better"] and described["direction_reversed_by"] == [
        {"component": "constraint"}
    ]
    assert MEASURES["retention"].describe()["direction_reversed_by"] == []
    result = CliRunner().invoke(app, ["metrics", "library"])
    assert result.exit_code == 0 and "higher is better (lower with component=constraint)" in result.output
