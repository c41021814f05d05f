"""The organisation's columns laid out as rows of the unit, person, protected-attribute and
internal-move tables (ids are row index + 1 throughout the demo)."""

from __future__ import annotations

from typing import Any

import numpy as np

from peoplealign.demo.organisation import DEPARTMENTS, Organisation
from peoplealign.demo.timeline import NEVER, Timeline

Columns = dict[str, Any]

EMPLOYMENT_TYPES = ("full_time", "part_time", "contractor")
EMPLOYMENT_WEIGHTS = (0.9, 0.07, 0.03)


def unit_rows(org: Organisation) -> Columns:
    parents = np.where(org.unit_parent >= 0, org.unit_parent + 1, 0)
    return {
        "id": np.arange(len(org.unit_code)) + 1,
        "code": org.unit_code,
        "name": org.unit_name,
        "kind": org.unit_kind,
        "parent_id": [p or None for p in parents.tolist()],
        "cost_center": [f"CC-{DEPARTMENTS[d].code}" if d >= 0 else "CC-HQ" for d in org.unit_dept.tolist()],
    }


def person_rows(org: Organisation, timeline: Timeline, rng: np.random.Generator) -> Columns:
    families = [DEPARTMENTS[d].name if d >= 0 else "Executive" for d in org.dept.tolist()]
    return {
        "id": np.arange(org.size) + 1,
        "hris_id": [f"E{i + 1:05d}" for i in range(org.size)],
        "name": org.name,
        "email": org.email,
        "manager_id": [m + 1 if m >= 0 else None for m in org.manager.tolist()],
        "org_unit_id": org.unit + 1,
        "job_title": org.title,
        "job_family": families,
        "level": org.level,
        "location": org.location,
        "employment_type": rng.choice(EMPLOYMENT_TYPES, org.size, p=EMPLOYMENT_WEIGHTS).tolist(),
        "hire_date": timeline.dates(org.hire),
        "exit_date": timeline.dates(org.exit),
        "exit_reason": org.exit_reason,
        "exit_regretted": org.regretted,
        "salary": org.salary,
        "pay_band_min": org.band_min,
        "pay_band_max": org.band_max,
        "last_promotion_date": timeline.dates(org.last_promotion),
    }


def protected_rows(org: Organisation) -> Columns:
    people = np.arange(org.size) + 1
    return {
        "person_id": np.concatenate([people, people]),
        "attribute": ["gender"] * org.size + ["age_band"] * org.size,
        "value": org.gender + org.age_band,
    }


def move_rows(org: Organisation, timeline: Timeline) -> Columns:
    moved = np.flatnonzero(org.move_day < NEVER)
    return {
        "person_id": moved + 1,
        "move_date": timeline.dates(org.move_day[moved]),
        "kind": [org.move_kind[i] for i in moved],
        "from_org_unit_id": org.move_from_unit[moved] + 1,
        "to_org_unit_id": org.unit[moved] + 1,
        "from_title": [org.move_from_title[i] for i in moved],
        "to_title": [org.title[i] for i in moved],
        "from_level": org.move_from_level[moved],
        "to_level": org.level[moved],
    }
