"""Survey analytics on the demo organisation: the planted stories must show up, suppressed cells
carry no value, and the change test behaves on hand-made cells."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from peoplealign.accounts.users import find_user
from peoplealign.listening import survey_analytics as sa
from peoplealign.policy.actor import Actor
from peoplealign.policy.aggregates import Cell
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.engine import session_scope
from peoplealign.store.models import AppSetting, OrgUnit, Survey


@contextmanager
def analyst(url: str) -> Iterator[PersonalData]:
    with session_scope(url) as session:
        user = find_user(session, "analyst@demo.peoplealign.example")
        assert user is not None
        yield PersonalData(session, Actor.from_user(user), "survey_reporting")


def story(reader: PersonalData) -> dict[str, str]:
    setting = reader.session.get(AppSetting, "demo_stories")
    assert setting is not None
    return setting.value


def unit_name(reader: PersonalData, code: str) -> str:
    return reader.session.scalars(select(OrgUnit.name).where(OrgUnit.code == code)).one()


def test_proportion_change_is_significant_only_for_a_real_difference() -> None:
    z, p = sa.proportion_change(Cell({}, 100, 30.0, False, None), Cell({}, 100, 60.0, False, None))
    assert z < 0 and p < 0.001
    _, p = sa.proportion_change(Cell({}, 20, 50.0, False, None), Cell({}, 20, 55.0, False, None))
    assert p > 0.5


def test_burnout_department_falls_significantly_on_burnout_items(demo_url: str) -> None:
    with analyst(demo_url) as reader:
        department = unit_name(reader, story(reader)["burnout_department"])
        comparison = sa.change_since_previous(reader, by=["department"])
    assert comparison.previous_survey is not None
    rows = {(c.measure, c.group["department"]): c for c in comparison.changes}
    burnout = rows[("Burnout Risk & Workload", department)]
    assert burnout.delta is not None and burnout.delta < -10
    assert burnout.significant and burnout.p_value is not None and burnout.p_value < 0.05
    significant_falls = [c for c in comparison.changes if c.significant and (c.delta or 0) < 0]
    assert all(c.group["department"] == department for c in significant_falls)
    for change in comparison.changes:
        if change.suppressed:
            assert change.p_value is None and change.reason


def test_trust_team_is_the_lowest_visible_unit_on_management_trust(demo_url: str) -> None:
    with analyst(demo_url) as reader:
        team = unit_name(reader, story(reader)["trust_team"])
        codes = reader.session.scalars(select(Survey.code).order_by(Survey.opened_on)).all()
        maps = [sa.heatmap(reader, code) for code in codes]
    visible = 0
    for heat in maps:
        column = heat.drivers.index("Management Trust")
        cells = dict(heat.rows)
        for _, row in heat.rows:
            cell = row[column]
            assert cell.suppressed == (cell.value is None) == (cell.n is None)
        if not cells[team][column].suppressed:
            visible += 1
            assert heat.lowest("Management Trust") == team
    assert visible >= 1
    assert maps[-1].as_dict()["k"] == 5


def test_participation_is_respondents_over_people_employed_at_opening(demo_url: str) -> None:
    with analyst(demo_url) as reader:
        total = sa.participation(reader)[0]
        by_department = sa.participation(reader, by=["department"])
    assert total.respondents is not None and total.invited is not None and total.value is not None
    assert 60 < total.value <= 100 and total.respondents < total.invited
    assert any(p.suppressed and p.value is None and p.reason for p in by_department)


def test_item_level_favourability_covers_every_likert_item(demo_url: str) -> None:
    with analyst(demo_url) as reader:
        items = sa.favourability(reader, level="item")
    assert {"MT1", "BW1", "EN1"} <= set(items) and "ENPS" not in items
    assert all(0 <= r.cells[0].value <= 100 for r in items.values() if r.cells[0].value is not None)


@pytest.mark.parametrize("level", ["team"])
def test_unknown_level_is_refused(demo_url: str, level: str) -> None:
    with analyst(demo_url) as reader, pytest.raises(ValueError, match="unknown level"):
        sa.favourability(reader, level=level)
