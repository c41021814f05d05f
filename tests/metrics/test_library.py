"""Metric values on the demo organisation agree with an independent pandas computation, every read
goes through the policy layer (purpose, scope, k-suppression) and is audited."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from peoplealign.errors import InvalidInputError
from peoplealign.metrics import library
from peoplealign.policy.actor import Actor
from peoplealign.policy.engine import PolicyDenied
from peoplealign.policy.metric_access import MetricData
from peoplealign.store.engine import dispose_all, session_scope
from peoplealign.store.models import AuditEvent, User

AS_OF = dt.date(2026, 11, 16)  # the demo fixture's as-of date
K = 5
DEMO = "@demo.peoplealign.example"


@pytest.fixture(scope="module")
def demo(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One writable copy for the module: metric reads only add audit events."""
    copy = tmp_path_factory.mktemp("metrics") / "demo.db"
    shutil.copyfile(demo_db_file, copy)
    yield f"sqlite:///{copy}"
    dispose_all()


@pytest.fixture(scope="module")
def tables(demo: str) -> dict[str, pd.DataFrame]:
    """The raw tables, read straight from the file: the independent side of each comparison."""
    engine = create_engine(demo)
    names = (
        "person",
        "org_unit",
        "internal_move",
        "proficiency_milestone",
        "enrollment",
        "person_skill",
        "skill",
        "skill_demand",
        "collaboration_edge",
        "activity_week",
        "survey",
        "question",
        "response",
    )
    found = {name: pd.read_sql_table(name, engine) for name in names}
    engine.dispose()
    return found


@pytest.fixture
def session(demo: str) -> Iterator[Session]:
    with session_scope(demo) as s:
        yield s


def _actor(session: Session, role: str) -> Actor:
    user = session.scalar(select(User).where(User.email == f"{role}{DEMO}"))
    assert user is not None
    return Actor.from_user(user)


# --- the independent computation ------------------------------------------------------------------


def unit_on(tables: dict[str, pd.DataFrame], person: int, day: pd.Timestamp) -> int | None:
    """A person's unit on a day: after their last move on or before it, before their first move
    after it, or today's when they never moved."""
    current, moves = _placements(id(tables), tables)
    mine = moves.get(person)
    if not mine:
        return current.get(person)
    before = [to for when, _, to in mine if when <= day]
    return before[-1] if before else mine[0][1]


_PLACEMENTS: dict[int, tuple[dict[int, int | None], dict[int, list[tuple[pd.Timestamp, int, int]]]]] = {}


def _placements(
    key: int, tables: dict[str, pd.DataFrame]
) -> tuple[dict[int, int | None], dict[int, list[tuple[pd.Timestamp, int, int]]]]:
    if key not in _PLACEMENTS:
        people = tables["person"]
        current = {
            int(p): None if pd.isna(u) else int(u)
            for p, u in zip(people["id"], people["org_unit_id"], strict=True)
        }
        moves: dict[int, list[tuple[pd.Timestamp, int, int]]] = {}
        for row in tables["internal_move"].sort_values("move_date").itertuples():
            moves.setdefault(int(row.person_id), []).append(
                (pd.Timestamp(row.move_date), int(row.from_org_unit_id), int(row.to_org_unit_id))
            )
        _PLACEMENTS[key] = (current, moves)
    return _PLACEMENTS[key]


def department_of(tables: dict[str, pd.DataFrame], unit: int) -> int:
    units = tables["org_unit"].set_index("id")
    chain = [unit]
    while not pd.isna(units.loc[chain[-1], "parent_id"]):
        chain.append(int(units.loc[chain[-1], "parent_id"]))
    departments = [u for u in chain if units.loc[u, "kind"] == "department"]
    return departments[0] if departments else chain[max(len(chain) - 2, 0)]


def population(tables: dict[str, pd.DataFrame], days: int) -> pd.DataFrame:
    start, end = pd.Timestamp(AS_OF - dt.timedelta(days=days)), pd.Timestamp(AS_OF)
    people = tables["person"].copy()
    people["hire"] = pd.to_datetime(people["hire_date"])
    people["exit"] = pd.to_datetime(people["exit_date"])
    people = people[(people["hire"] <= end) & (people["exit"].isna() | (people["exit"] >= start))].copy()
    people["active"] = people["exit"].isna() | (people["exit"] > end)
    people["there"] = people["hire"] <= start
    people["unit"] = [
        unit_on(tables, p, end if active else exit_day)
        for p, active, exit_day in zip(people["id"], people["active"], people["exit"], strict=True)
    ]
    people["department"] = [department_of(tables, u) for u in people["unit"]]
    return people


def by_unit(values: library.MeasureValues) -> dict[int | None, float]:
    return {c.unit_id: c.value for c in values.report.cells if not c.suppressed and c.value is not None}


# --- agreement with pandas ------------------------------------------------------------------------


def test_retention_by_department_matches_pandas(session: Session, tables: dict[str, pd.DataFrame]) -> None:
    result = library.compute(session, _actor(session, "analyst"), "retention", by="department", as_of=AS_OF)
    people = population(tables, 365)
    there = people[people["there"]]
    expected = (100 * there.groupby("department")["active"].mean()).round(2)
    sizes = people.groupby("department").size()
    shown = by_unit(result)
    assert len(shown) >= 6, "most departments are large enough to be shown"
    for unit, value in shown.items():
        assert value == pytest.approx(expected[unit], abs=0.01)
    for cell in result.report.cells:
        if not cell.suppressed:
            assert cell.n == sizes[cell.unit_id] >= K


def test_organisation_totals_match_pandas(session: Session, tables: dict[str, pd.DataFrame]) -> None:
    analyst = _actor(session, "analyst")

    def total(key: str) -> float | None:
        return library.compute(session, analyst, key, by="", as_of=AS_OF).report.cells[0].value

    people = population(tables, 365)
    there = people[people["there"]]
    regretted = people[~people["active"] & (people["exit_regretted"] == 1)]
    assert total("regretted_attrition_rate") == pytest.approx(100 * len(regretted) / len(there), abs=0.01)

    start = pd.Timestamp(AS_OF - dt.timedelta(days=365))
    moves = tables["internal_move"]
    moves = moves[pd.to_datetime(moves["move_date"]).between(start, pd.Timestamp(AS_OF))]
    present = set(people.loc[people["active"], "id"])
    mobile = len(set(moves["person_id"]) & present) / len(present)
    assert total("internal_mobility") == pytest.approx(100 * mobile, abs=0.01)

    learning = tables["enrollment"]
    learning = learning[learning["person_id"].isin(people["id"])]
    when = pd.to_datetime(learning["completed_on"].fillna(learning["enrolled_on"]))
    hours = learning.loc[when.between(start, pd.Timestamp(AS_OF)), "hours_completed"].sum()
    assert total("learning_hours") == pytest.approx(hours / len(present), abs=0.01)

    reached = tables["proficiency_milestone"]
    reached = reached[
        (reached["milestone"] == "fully_proficient")
        & pd.to_datetime(reached["reached_on"]).between(start, pd.Timestamp(AS_OF))
        & reached["person_id"].isin(people["id"])
    ]
    hires = people.set_index("id")["hire"]
    days = (pd.to_datetime(reached["reached_on"]).to_numpy() - hires[reached["person_id"]].to_numpy()).astype(
        "timedelta64[D]"
    )
    assert total("time_to_proficiency") == pytest.approx(
        float(pd.Series(days.astype(int)).median()), abs=0.01
    )


def test_strategic_skill_coverage_matches_pandas(session: Session, tables: dict[str, pd.DataFrame]) -> None:
    value = (
        library.compute(session, _actor(session, "analyst"), "strategic_skill_coverage", by="", as_of=AS_OF)
        .report.cells[0]
        .value
    )
    demand = tables["skill_demand"].merge(tables["skill"], left_on="skill_id", right_on="id")
    demand = demand[pd.to_datetime(demand["period_start"]) <= pd.Timestamp(AS_OF)]
    latest = demand[demand["period_start"] == demand["period_start"].max()]
    strategic = (
        latest[latest["strategic_weight"] >= 1.5]
        .groupby("code")
        .agg(fte=("demand_fte", "sum"), weight=("strategic_weight", "max"))
    )
    present = population(tables, 365).query("active")["id"]
    held = tables["person_skill"].merge(tables["skill"], left_on="skill_id", right_on="id")
    held = held[held["person_id"].isin(present) & (held["proficiency"] >= 3)]
    supply = held.groupby("code")["person_id"].nunique().reindex(strategic.index, fill_value=0)
    covered = (supply.clip(upper=strategic["fte"]) * strategic["weight"]).sum()
    expected = covered / (strategic["fte"] * strategic["weight"]).sum()
    assert value == pytest.approx(expected, abs=0.01)
    assert value is not None and value < 0.8, "the demo's strategic skill gap shows"


def test_cross_team_collaboration_matches_pandas(session: Session, tables: dict[str, pd.DataFrame]) -> None:
    value = (
        library.compute(session, _actor(session, "analyst"), "team_collaboration", by="", as_of=AS_OF)
        .report.cells[0]
        .value
    )
    edges = tables["collaboration_edge"]
    start = pd.Timestamp(AS_OF - dt.timedelta(days=90))
    edges = edges[pd.to_datetime(edges["period_start"]).between(start, pd.Timestamp(AS_OF))]
    day = pd.to_datetime(edges["period_start"])
    source = [unit_on(tables, p, d) for p, d in zip(edges["source_person_id"], day, strict=True)]
    target = [unit_on(tables, p, d) for p, d in zip(edges["target_person_id"], day, strict=True)]
    across = pd.Series(source, index=edges.index) != pd.Series(target, index=edges.index)
    assert value == pytest.approx(100 * edges.loc[across, "weight"].sum() / edges["weight"].sum(), abs=0.01)


def test_engagement_index_matches_pandas(session: Session, tables: dict[str, pd.DataFrame]) -> None:
    value = (
        library.compute(session, _actor(session, "analyst"), "engagement_index", by="", as_of=AS_OF)
        .report.cells[0]
        .value
    )
    survey = tables["survey"].sort_values(["opened_on", "id"]).iloc[-1]
    answers = tables["response"].merge(tables["question"], left_on="question_id", right_on="id")
    answers = answers[(answers["survey_id_x"] == survey["id"]) & (answers["kind"] == "engagement")]
    favourable = (answers["value"] >= answers["scale_max"] - 1).groupby(answers["respondent_key"]).mean()
    assert value == pytest.approx(100 * favourable.mean(), abs=0.01)


def test_weekly_meeting_hours_match_pandas(session: Session, tables: dict[str, pd.DataFrame]) -> None:
    start = AS_OF - dt.timedelta(days=56)
    series = library.weekly_series(
        session, _actor(session, "analyst"), "meeting_hours", start=start, end=AS_OF
    )
    rows = tables["activity_week"]
    rows = rows[pd.to_datetime(rows["week_start"]) >= pd.Timestamp(start)].copy()
    rows["unit"] = [
        unit_on(tables, p, pd.Timestamp(w))
        for p, w in zip(rows["person_id"], rows["week_start"], strict=True)
    ]
    rows["week"] = pd.to_datetime(rows["week_start"]).dt.date
    expected = rows.groupby(["unit", "week"])["meeting_hours"].agg(["mean", "size"])
    shown = series.values.stack().dropna()
    assert len(shown) > 100
    for (unit, week), value in shown.items():
        assert value == pytest.approx(expected.loc[(unit, week), "mean"], abs=0.01)
        assert series.counts.loc[unit, week] == expected.loc[(unit, week), "size"] >= K
    small = expected[expected["size"] < K]
    for unit, week in small.index:
        assert pd.isna(series.values.loc[unit, week]), "a team-week of fewer than k people is suppressed"
    assert len(small) > 0


def test_burnout_index_workload_components_match_pandas(
    session: Session, tables: dict[str, pd.DataFrame]
) -> None:
    """The raw demo has no scored comments, so the index is its three workload components."""
    result = library.compute(session, _actor(session, "analyst"), "burnout_risk_index", by="", as_of=AS_OF)
    rows = tables["activity_week"]
    rows = rows[pd.to_datetime(rows["week_start"]) >= pd.Timestamp(AS_OF - dt.timedelta(days=90))]
    after = min(1.0, rows["after_hours"].sum() / rows["hours"].sum() / 0.25)
    meetings = min(1.0, rows["meeting_hours"].sum() / rows["hours"].sum() / 0.5)
    pto = max(0.0, 1 - rows["pto_hours"].mean() / 3.8)
    expected = (0.35 * after + 0.2 * meetings + 0.2 * pto) / 0.75
    assert result.report.cells[0].value == pytest.approx(expected, abs=0.01)
    assert "weight" in result.explanation and result.library_version == library.LIBRARY_VERSION


# --- the policy layer -----------------------------------------------------------------------------


def test_employee_is_refused_work_pattern_aggregates_and_it_is_audited(demo: str) -> None:
    with session_scope(demo) as session:
        before = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "denied")
        )
        employee = _actor(session, "employee")
        with pytest.raises(PolicyDenied, match="aggregates of Work patterns"):
            library.compute(session, employee, "burnout_risk_index", as_of=AS_OF)
    with session_scope(demo) as session:
        after = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "denied")
        )
        assert after == (before or 0) + 1


def test_a_purpose_the_charter_does_not_list_is_refused(session: Session) -> None:
    reader = MetricData(session, _actor(session, "analyst"), purpose="listening")
    with pytest.raises(PolicyDenied, match="may be used only for"):
        reader.activity_period(lambda _: 0.0, "org_unit", label="test")


def test_manager_sees_only_their_own_teams(session: Session, tables: dict[str, pd.DataFrame]) -> None:
    manager = _actor(session, "manager")
    result = library.compute(session, manager, "retention", as_of=AS_OF)
    people = tables["person"]
    team: set[int] = set()
    frontier = {manager.person_id}
    while frontier:
        frontier = set(people.loc[people["manager_id"].isin(frontier), "id"]) - team
        team |= frontier
    placed = population(tables, 365).set_index("id")["unit"]
    their_units = set(placed[placed.index.isin(team)])
    assert result.report.cells and {c.unit_id for c in result.report.cells} <= their_units
    assert any(not c.suppressed for c in result.report.cells), "their own team is large enough"
    everyone = library.compute(session, _actor(session, "analyst"), "retention", as_of=AS_OF)
    assert len(everyone.report.cells) > len(result.report.cells)


def test_every_visible_cell_has_at_least_k_people(session: Session) -> None:
    analyst = _actor(session, "analyst")
    result = library.compute(session, analyst, "learning_hours", as_of=AS_OF)
    shown = [c for c in result.report.cells if not c.suppressed]
    hidden = [c for c in result.report.cells if c.suppressed]
    assert shown and hidden
    assert all(c.n is not None and c.n >= K for c in shown)
    assert all(c.value is None and c.n is None and c.reason for c in hidden)


def test_reads_are_audited_with_purpose_and_suppression(session: Session) -> None:
    library.compute(session, _actor(session, "analyst"), "internal_mobility", as_of=AS_OF)
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (event.resource, event.purpose, event.outcome) == ("skills", "metric_computation", "allowed")
    assert event.detail["metric"] == "internal_mobility" and event.detail["k"] == K
    assert event.detail["suppressed"] >= 1


def test_parameters_are_checked(session: Session) -> None:
    analyst = _actor(session, "analyst")
    with pytest.raises(InvalidInputError, match="has no parameter"):
        library.compute(session, analyst, "retention", {"code": "import os"}, as_of=AS_OF)
    with pytest.raises(InvalidInputError, match="expected one of"):
        library.compute(session, analyst, "team_collaboration", {"component": "gossip"}, as_of=AS_OF)
    with pytest.raises(InvalidInputError, match="no weekly series"):
        library.weekly_series(session, analyst, "retention")
    with pytest.raises(InvalidInputError, match="unknown measure"):
        library.compute(session, analyst, "happiness", as_of=AS_OF)
