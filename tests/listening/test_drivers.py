"""Relative weights against ordinary least squares, and the driver analysis on the demo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from computations import counting_computations
from sqlalchemy import func, select

from peoplealign.accounts.users import find_user
from peoplealign.errors import InvalidInputError
from peoplealign.listening.drivers import DriverAnalysis, driver_analysis, relative_weights
from peoplealign.policy import data_version
from peoplealign.policy.actor import Actor
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AuditEvent


def test_weights_sum_to_the_regression_r_squared_and_rank_the_strong_driver_first() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=(2000, 1))
    x = np.hstack(
        [base + rng.normal(size=(2000, 1)), base + rng.normal(size=(2000, 1)), rng.normal(size=(2000, 1))]
    )
    y = 0.8 * x[:, 0] + 0.2 * x[:, 1] + rng.normal(size=2000)
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "y": y})
    weights = relative_weights(frame.corr(), "y")
    design = np.column_stack([np.ones(2000), x])
    residual = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    ols_r2 = 1 - residual.var() / y.var()
    assert weights.r_squared == pytest.approx(ols_r2, abs=1e-6)
    assert sum(weights.weights.values()) == pytest.approx(weights.r_squared)
    assert sum(weights.shares().values()) == pytest.approx(1.0)
    assert weights.weights["a"] > weights.weights["b"] > weights.weights["c"]


def test_orthogonal_drivers_get_their_squared_correlation() -> None:
    corr = pd.DataFrame(
        [[1.0, 0.0, 0.5], [0.0, 1.0, 0.3], [0.5, 0.3, 1.0]], index=list("abz"), columns=list("abz")
    )
    weights = relative_weights(corr, "z")
    assert weights.weights == pytest.approx({"a": 0.25, "b": 0.09})


def test_a_constant_column_is_a_clear_error() -> None:
    corr = pd.DataFrame([[1.0, np.nan], [np.nan, 1.0]], index=["a", "z"], columns=["a", "z"])
    with pytest.raises(InvalidInputError, match="does not vary"):
        relative_weights(corr, "z")


def test_demo_driver_analysis_reports_shares_with_n_per_department(demo_url: str) -> None:
    with session_scope(demo_url) as session:
        user = find_user(session, "analyst@demo.peoplealign.example")
        assert user is not None
        reader = PersonalData(session, Actor.from_user(user), "survey_reporting")
        total = driver_analysis(reader).cells[0]
        by_department = driver_analysis(reader, by=["department"])
    assert total.n is not None and total.n > 300 and total.r_squared is not None and 0.1 < total.r_squared < 1
    assert len(total.drivers) == 12
    assert sum(d["share"] for d in total.drivers) == pytest.approx(1.0, abs=1e-3)
    assert {c.suppressed for c in by_department.cells} == {True, False}
    for cell in by_department.cells:
        assert cell.suppressed == (cell.r_squared is None) and (cell.reason is None) != cell.suppressed


def test_driver_correlations_are_kept_per_audience_and_data_version_yet_every_read_is_audited(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = counting_computations(monkeypatch, "survey_correlations")

    def read(email: str) -> tuple[DriverAnalysis, int]:
        with session_scope(demo_url) as session:
            user = find_user(session, email)
            assert user is not None
            actor = Actor.from_user(user)
            analysis = driver_analysis(PersonalData(session, actor, "survey_reporting"))
            mine = (AuditEvent.actor == actor.email, AuditEvent.resource == "survey")
            events = session.scalar(select(func.count()).select_from(AuditEvent).where(*mine))
        return analysis, int(events or 0)

    first, audited = read("analyst@demo.peoplealign.example")
    again, audited_again = read("analyst@demo.peoplealign.example")
    assert len(computed) == 1 and again == first
    assert audited_again > audited > 0, "the cached read is audited too"
    team, _ = read("manager@demo.peoplealign.example")
    assert len(computed) == 2, "a manager's team is an audience of its own"
    assert team.cells[0].n != first.cells[0].n
    with session_scope(demo_url) as session:
        data_version.touch(session)
    read("analyst@demo.peoplealign.example")
    assert len(computed) == 3, "a new data version is computed afresh"
