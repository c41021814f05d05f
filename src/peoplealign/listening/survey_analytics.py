"""Survey analytics read through the policy layer: participation, favourability per driver and item,
change against the previous cycle with a significance test, and the heatmap of units by drivers.

Every figure comes from a `PersonalData` reader, so each cell is k-suppressed and protected against
differencing by the one anonymity mechanism; a suppressed cell carries no value and says why.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from peoplealign.listening.survey_metrics import (
    METRICS,
    SurveyMetric,
    driver_favorability,
    item_favorability,
)
from peoplealign.policy.aggregates import Cell, Report
from peoplealign.policy.gateway import PersonalData
from peoplealign.store.models import Question, Survey

SIGNIFICANCE = 0.05
CHANGE_TEST = (
    "two-proportion z-test on favourability (statsmodels proportions_ztest), with the number of "
    "respondents as sample size: one person's answers to several items are not independent, so "
    "counting answers would overstate significance"
)


def group_label(group: Mapping[str, Hashable]) -> str:
    return ", ".join(f"{k}={v}" for k, v in group.items()) or "everyone"


def _group_key(group: Mapping[str, Hashable]) -> tuple[tuple[str, str], ...]:
    return tuple((k, str(v)) for k, v in group.items())


def survey_drivers(reader: PersonalData, survey: Survey) -> list[str]:
    """The drivers of a survey's likert items, in questionnaire order (question metadata, not answers)."""
    rows = reader.session.scalars(
        select(Question.driver)
        .where(Question.survey_id == survey.id, Question.kind == "likert", Question.driver.is_not(None))
        .order_by(Question.id)
    )
    return list(dict.fromkeys(str(d) for d in rows))


def survey_items(reader: PersonalData, survey: Survey) -> list[tuple[str, str | None]]:
    """(code, driver) of a survey's likert and engagement items, in questionnaire order."""
    rows = reader.session.execute(
        select(Question.code, Question.driver)
        .where(Question.survey_id == survey.id, Question.kind.in_(["likert", "engagement"]))
        .order_by(Question.id)
    )
    return [(str(code), driver) for code, driver in rows]


# --- favourability per driver and item ----------------------------------------------------------


def favourability(
    reader: PersonalData,
    survey_id: int | str | None = None,
    by: Sequence[str] = (),
    *,
    level: str = "driver",
) -> dict[str, Report]:
    """Favourability per driver (`level="driver"`) or per item (`level="item"`), keyed by its label."""
    survey = reader.survey(survey_id)
    measures = _measures(reader, survey, level)
    reports = reader.survey_measures(measures, by, survey_id=survey.id)
    return {m.label: reports[m.key] for m in measures}


def _measures(reader: PersonalData, survey: Survey, level: str) -> list[SurveyMetric]:
    if level == "driver":
        return [driver_favorability(d) for d in survey_drivers(reader, survey)]
    if level == "item":
        return [item_favorability(code) for code, _ in survey_items(reader, survey)]
    raise ValueError(f"unknown level {level!r}")


# --- participation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    group: dict[str, Hashable]
    respondents: int | None
    invited: int | None
    value: float | None  # respondents / invited, in %
    suppressed: bool
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "n": self.respondents,
            "invited": self.invited,
            "value": self.value,
            "suppressed": self.suppressed,
            "reason": self.reason,
        }


def participation(
    reader: PersonalData, survey_id: int | str | None = None, by: Sequence[str] = ()
) -> list[Participation]:
    """Respondents over invited per cell. Invited are the people employed on the day the survey
    opened, counted by the same policy-layer headcount everyone else sees; respondents are the cell's
    `n` of the survey's favourability, so both sides are released by their own rules."""
    survey = reader.survey(survey_id)
    answered = reader.survey_measures([METRICS["favorability"]], by, survey_id=survey.id)["favorability"]
    invited = {_group_key(c.group): c for c in reader.headcount(by, as_of=survey.opened_on).cells}
    found = []
    for cell in answered.cells:
        base = invited.get(_group_key(cell.group))
        if cell.suppressed or cell.n is None:
            found.append(Participation(cell.group, None, None, None, True, cell.reason))
        elif base is None or base.suppressed or not base.value:
            reason = base.reason if base is not None and base.reason else "no headcount for this group"
            found.append(Participation(cell.group, cell.n, None, None, True, reason))
        else:
            invited_n = int(base.value)
            found.append(
                Participation(cell.group, cell.n, invited_n, round(100 * cell.n / invited_n, 1), False, None)
            )
    return found


# --- change against the previous cycle ----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    measure: str
    group: dict[str, Hashable]
    n: int | None
    value: float | None
    previous_n: int | None
    previous_value: float | None
    delta: float | None
    z: float | None
    p_value: float | None
    significant: bool | None
    suppressed: bool
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "group": self.group,
            "n": self.n,
            "value": self.value,
            "previous_n": self.previous_n,
            "previous_value": self.previous_value,
            "delta": self.delta,
            "z": self.z,
            "p_value": self.p_value,
            "significant": self.significant,
            "suppressed": self.suppressed,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CycleComparison:
    survey: str
    previous_survey: str | None
    changes: list[Change]

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "previous_survey": self.previous_survey,
            "test": CHANGE_TEST,
            "alpha": SIGNIFICANCE,
            "changes": [c.as_dict() for c in self.changes],
        }


def proportion_change(now: Cell, before: Cell) -> tuple[float, float]:
    """z statistic and two-sided p-value of a change in favourability between two released cells."""
    from statsmodels.stats.proportion import proportions_ztest

    assert now.n and before.n and now.value is not None and before.value is not None
    counts = [now.value / 100 * now.n, before.value / 100 * before.n]
    if counts[0] + counts[1] in (0, now.n + before.n):
        return 0.0, 1.0  # everyone (un)favourable both times: no variation to test
    z, p = proportions_ztest(counts, [now.n, before.n])
    return float(z), float(p)


def compare_cells(measure: str, now: Cell, before: Cell | None) -> Change:
    if now.suppressed or now.n is None or now.value is None:
        return Change(measure, now.group, None, None, None, None, None, None, None, None, True, now.reason)
    if before is None or before.suppressed or before.n is None or before.value is None:
        reason = before.reason if before is not None else "no such group in the previous cycle"
        return Change(measure, now.group, now.n, now.value, None, None, None, None, None, None, True, reason)
    z, p = proportion_change(now, before)
    return Change(
        measure,
        now.group,
        now.n,
        now.value,
        before.n,
        before.value,
        round(now.value - before.value, 2),
        round(z, 3),
        p,
        p < SIGNIFICANCE,
        False,
        None,
    )


def change_since_previous(
    reader: PersonalData, survey_id: int | str | None = None, by: Sequence[str] = (), *, level: str = "driver"
) -> CycleComparison:
    """Each driver's (or item's) favourability now and in the previous cycle of the same kind, per
    cell, with a significance test. Drivers match by name and items by code across cycles."""
    survey = reader.survey(survey_id)
    previous = reader.previous_survey(survey)
    now = favourability(reader, survey.id, by, level=level)
    if previous is None:
        changes = [compare_cells(m, c, None) for m, r in now.items() for c in r.cells]
        return CycleComparison(survey.code, None, changes)
    before = favourability(reader, previous.id, by, level=level)
    changes = []
    for measure, report in now.items():
        earlier = {_group_key(c.group): c for c in before[measure].cells} if measure in before else {}
        changes.extend(compare_cells(measure, c, earlier.get(_group_key(c.group))) for c in report.cells)
    return CycleComparison(survey.code, previous.code, changes)


# --- heatmap ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heatmap:
    survey: str
    k: int
    dimension: str
    drivers: list[str]
    rows: list[tuple[str, list[Cell]]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "k": self.k,
            "by": self.dimension,
            "drivers": self.drivers,
            "rows": [
                {
                    "group": label,
                    "cells": [
                        {"driver": d, **{k: v for k, v in c.as_dict().items() if k != "group"}}
                        for d, c in zip(self.drivers, cells, strict=True)
                    ],
                }
                for label, cells in self.rows
            ],
        }

    def lowest(self, driver: str) -> str | None:
        """The group with the lowest visible value on a driver."""
        column = self.drivers.index(driver)
        visible = [(cells[column].value, label) for label, cells in self.rows if not cells[column].suppressed]
        scored = [(v, label) for v, label in visible if v is not None and not math.isnan(v)]
        return min(scored)[1] if scored else None


def heatmap(reader: PersonalData, survey_id: int | str | None = None, by: str = "org_unit") -> Heatmap:
    """Groups (by default org units) by drivers' favourability; suppressed cells are marked."""
    survey = reader.survey(survey_id)
    reports = favourability(reader, survey.id, [by])
    drivers = list(reports)
    labels: dict[str, list[Cell]] = {}
    for driver in drivers:
        for cell in reports[driver].cells:
            labels.setdefault(str(cell.group.get(by)), []).append(cell)
    k = next(iter(reports.values())).k if reports else reader.charter.k_aggregate
    return Heatmap(survey.code, k, by, drivers, list(labels.items()))
