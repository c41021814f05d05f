"""Insights benchmark: skill gaps, well-being balance and People ROI on the demo organisation, through
the policy layer, against the same aggregates computed with plain pandas (no charter, no anonymity
decision, no audit) in the same run; and whether each analysis finds the demo's planted story.

    python bench/insights.py                  # 600 employees
    python bench/insights.py --sizes 600,5000

Writes bench/results/insights.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

RESULTS = Path(__file__).parent / "results" / "insights.json"
AS_OF = dt.date(2026, 11, 16)
SEED = 7


def _timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def ours(url: str) -> dict[str, Any]:
    from peoplealign.insights.roi import roi_report
    from peoplealign.insights.skills import skill_gaps
    from peoplealign.insights.wellbeing import wellbeing_balance
    from peoplealign.policy.actor import Actor
    from peoplealign.policy.workforce_access import WorkforceData
    from peoplealign.store.engine import session_scope

    executive = Actor("bench@example.org", frozenset({"executive"}))
    found: dict[str, Any] = {}
    with session_scope(url) as session:
        found["skills"] = _timed(
            lambda: skill_gaps(WorkforceData(session, executive, "workforce_planning"), AS_OF)
        )
        found["wellbeing"] = _timed(
            lambda: wellbeing_balance(WorkforceData(session, executive, "wellbeing"), AS_OF)
        )
        found["roi"] = _timed(lambda: roi_report(session, executive, AS_OF))
        session.rollback()
    return found


def baseline(path: Path) -> dict[str, float]:
    """The same sums with pandas straight from the tables: what the policy layer costs on top."""
    with sqlite3.connect(path) as conn:

        def skills() -> Any:
            held = pd.read_sql("select person_id, skill_id, proficiency from person_skill", conn)
            people = pd.read_sql(
                "select id, org_unit_id, job_title from person where exit_date is null", conn
            )
            needs = pd.read_sql(
                "select job_title, skill_id, required_proficiency from role_requirement", conn
            )
            demand = pd.read_sql(
                "select skill_id, org_unit_id, period_start, demand_fte from skill_demand", conn
            )
            merged = people.merge(needs, on="job_title").merge(
                held, left_on=["id", "skill_id"], right_on=["person_id", "skill_id"], how="left"
            )
            merged["unmet"] = merged.proficiency.fillna(0) < merged.required_proficiency
            supply = held[held.proficiency >= 3].groupby("skill_id").size()
            return (
                merged.groupby(["org_unit_id", "skill_id"]).unmet.sum(),
                supply,
                demand.groupby("skill_id").last(),
            )

        def wellbeing() -> Any:
            weeks = pd.read_sql(
                "select a.*, p.org_unit_id from activity_week a join person p on p.id = a.person_id",
                conn,
                parse_dates=["week_start"],
            )
            end = pd.Timestamp(AS_OF - dt.timedelta(days=AS_OF.weekday()))
            spans = (
                (end - pd.Timedelta(weeks=13), end),
                (end - pd.Timedelta(weeks=65), end - pd.Timedelta(weeks=52)),
            )
            return [
                weeks[(weeks.week_start >= a) & (weeks.week_start < b)]
                .groupby("org_unit_id")
                .sum(numeric_only=True)
                for a, b in spans
            ]

        def roi() -> Any:
            leavers = pd.read_sql("select org_unit_id, level, salary, exit_date from person", conn)
            leavers["cost"] = leavers.salary * 0.2
            return leavers.groupby("org_unit_id").cost.sum()

        return {
            name: _timed(work)[0]
            for name, work in (("skills", skills), ("wellbeing", wellbeing), ("roi", roi))
        }


def stories(path: Path, found: dict[str, Any]) -> dict[str, Any]:
    with sqlite3.connect(path) as conn:
        planted = json.loads(
            conn.execute("select value from app_setting where key = 'demo_stories'").fetchone()[0]
        )
        teams = {
            row[0]
            for row in conn.execute(
                "select u.name from org_unit u join org_unit d on d.id = u.parent_id where d.code = ?",
                (planted["burnout_department"],),
            )
        }
    gaps = found["skills"][1]
    balance = found["wellbeing"][1]
    visible = [t for t in balance.teams if t.team in teams and not t.suppressed]
    return {
        "strategic_skill_ranks_first": gaps.ranked[0].skill == planted["strategic_skill"],
        "burnout_teams_visible": len(visible),
        "burnout_teams_flagged": sum(t.flagged for t in visible),
        "other_teams_flagged": sum(t.flagged for t in balance.teams if t.team not in teams),
        "other_teams_visible": sum(not t.suppressed for t in balance.teams if t.team not in teams),
    }


def run(employees: int) -> dict[str, Any]:
    from peoplealign.demo import generate_demo
    from peoplealign.store.engine import dispose_all

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        generate_demo(f"sqlite:///{path}", employees=employees, seed=SEED, as_of=AS_OF)
        found = ours(f"sqlite:///{path}")
        plain = baseline(path)
        result = {
            "employees": employees,
            "seconds": {name: round(found[name][0], 3) for name in found},
            "baseline_seconds": {name: round(seconds, 3) for name, seconds in plain.items()},
            "ratio": {name: round(found[name][0] / plain[name], 1) for name in found},
            "stories": stories(path, found),
        }
        dispose_all()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="600", help="Comma-separated demo sizes.")
    args = parser.parse_args()
    results = [run(int(size)) for size in args.sizes.split(",")]
    print(f"{'employees':>9} {'analysis':>10} {'ours s':>8} {'pandas s':>9} {'ratio':>6}")
    for result in results:
        for name, seconds in result["seconds"].items():
            print(
                f"{result['employees']:>9} {name:>10} {seconds:>8.2f} "
                f"{result['baseline_seconds'][name]:>9.3f} {result['ratio'][name]:>6.1f}"
            )
        print(f"{'':>9} stories: {result['stories']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"as_of": AS_OF.isoformat(), "seed": SEED, "runs": results}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
