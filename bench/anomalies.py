"""Anomaly detection benchmark: does the planted brainstorming sprint get flagged, and how many
other team-weeks are flagged with it (each one a question to a manager)?

Demo organisations of 600 employees with different seeds (each plants a two-week sprint in one team:
meeting hours x2.6, output x0.45). On the same released team-week statistics (read once through the
policy layer as a system job), three detectors flag weeks of the last 52:

- ours (`metrics.anomalies.flag_weeks`, model anomaly-robust-z-1): deviation from the rest of
  the organisation that week, standardised by its sampling error, running-median detrending,
  robust z >= 6, effect >= 30% of the usual level, confirmed by the team median;
- baseline "raw robust z": the team's weekly mean against its own median and MAD, |z| >= 6;
- baseline "STL(52) robust z": statsmodels STL with a yearly period on the team's weekly mean
  (teams with two full years), residual robust z >= 6.

Recall counts the planted team-weeks of both signals (4 per seed); false flags are every other
flagged team-week-signal. All three see only the team-weeks the anonymity decision releases: a
sprint in weeks where its team is hidden cannot be found by any of them.

    python bench/anomalies.py [--seeds 7,11,23]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

CACHE = Path(__file__).parent / ".cache"
RESULTS = Path(__file__).parent / "results" / "anomalies.json"
AS_OF = dt.date(2026, 11, 16)
EMPLOYEES = 600
THRESHOLD = 6.0


def _demo(seed: int) -> str:
    from peoplealign.demo import generate_demo

    path = CACHE / f"anomalies-demo-{EMPLOYEES}-seed{seed}.db"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        generate_demo(f"sqlite:///{path}", employees=EMPLOYEES, seed=seed, as_of=AS_OF, replace=True)
    return f"sqlite:///{path}"


def _robust_z(values: pd.Series) -> pd.Series:
    centred = values - values.median()
    scale = 1.4826 * float(centred.abs().median())
    return centred / scale if scale > 0 else centred * np.inf


def _baseline_raw(team: pd.DataFrame) -> pd.Series:
    return _robust_z(team["mean"])


def _baseline_stl(team: pd.DataFrame) -> pd.Series | None:
    from statsmodels.tsa.seasonal import STL

    series = team["mean"]
    if len(series) < 104:
        return None
    fit = STL(series.reset_index(drop=True), period=52, robust=True).fit()
    return _robust_z(pd.Series(np.asarray(fit.resid), index=series.index))


def run_seed(seed: int) -> dict[str, Any]:
    from sqlalchemy import select

    from peoplealign.metrics.anomalies import WATCHED, DetectionSettings, flag_weeks, read_team_weeks
    from peoplealign.policy.actor import Actor
    from peoplealign.store.engine import session_scope
    from peoplealign.store.models import AppSetting, OrgUnit

    url = _demo(seed)
    with session_scope(url) as session:
        setting = session.get(AppSetting, "demo_stories")
        assert setting is not None
        stories = dict(setting.value)
        team_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == stories["anomaly_team"]))
        started = time.process_time()
        weeks = read_team_weeks(session, Actor.system("bench"), WATCHED)
        read_cpu = time.process_time() - started
        session.rollback()  # the read's audit events are not worth keeping in the cache
    planted = {
        (team_id, signal, dt.date.fromisoformat(w))
        for signal in (stories["anomaly_metric"], stories["anomaly_secondary_metric"])
        for w in stories["anomaly_weeks"]
    }
    since = AS_OF - dt.timedelta(weeks=52)
    found: dict[str, set[tuple[int, str, dt.date]]] = {
        "ours": set(),
        "raw robust z": set(),
        "STL(52) robust z": set(),
    }
    started = time.process_time()
    flags, _ = flag_weeks(weeks, DetectionSettings(), since)
    found["ours"] = {(f.org_unit_id, f.signal, f.week_start) for f in flags}
    for signal, data in weeks.signals.items():
        units = data.team.index.get_level_values(0)
        for unit in sorted({int(u) for u in units}):
            team = data.team[units == unit].droplevel(0)
            for name, z in (("raw robust z", _baseline_raw(team)), ("STL(52) robust z", _baseline_stl(team))):
                if z is None:
                    continue
                hits = z.index[(z.abs() >= THRESHOLD).to_numpy()]
                found[name] |= {(unit, signal, _date(w)) for w in hits if _date(w) >= since}
    detect_cpu = time.process_time() - started
    released = set(weeks.signals[stories["anomaly_metric"]].team.index)
    visible = sum((team_id, dt.date.fromisoformat(w)) in released for w in stories["anomaly_weeks"])
    return {
        "seed": seed,
        "anomaly_team": stories["anomaly_team"],
        "anomaly_weeks": stories["anomaly_weeks"],
        "planted_weeks_released": f"{visible} of {len(stories['anomaly_weeks'])}",
        "read_cpu_seconds": round(read_cpu, 1),
        "detect_cpu_seconds": round(detect_cpu, 1),
        "detectors": {name: _score(flags, planted) for name, flags in found.items()},
    }


def _score(flags: set[tuple[int, str, dt.date]], planted: set[tuple[int, str, dt.date]]) -> dict[str, Any]:
    return {"recall": len(flags & planted) / len(planted), "false_flags": len(flags - planted)}


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else pd.Timestamp(value).date()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="7,11,23")
    seeds = [int(s) for s in parser.parse_args().seeds.split(",")]
    runs = [run_seed(seed) for seed in seeds]
    names = list(runs[0]["detectors"])
    summary = {
        name: {
            "mean_recall": round(float(np.mean([r["detectors"][name]["recall"] for r in runs])), 3),
            "false_flags_per_seed": round(
                float(np.mean([r["detectors"][name]["false_flags"] for r in runs])), 1
            ),
        }
        for name in names
    }
    print(
        f"anomaly detection on {len(seeds)} demo organisations of {EMPLOYEES} "
        f"(last 52 weeks, threshold {THRESHOLD})"
    )
    print(f"{'detector':<20} {'recall':>7} {'false flags/seed':>17}")
    for name, row in summary.items():
        print(f"{name:<20} {row['mean_recall']:>7.2f} {row['false_flags_per_seed']:>17.1f}")
    for r in runs:
        print(
            f"seed {r['seed']}: team {r['anomaly_team']} weeks {', '.join(r['anomaly_weeks'])} "
            f"(released: {r['planted_weeks_released']}); "
            + "; ".join(f"{n} {d['recall']:.2f}/{d['false_flags']}" for n, d in r["detectors"].items())
            + f"; read {r['read_cpu_seconds']} s CPU, detect {r['detect_cpu_seconds']} s CPU"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"employees": EMPLOYEES, "as_of": AS_OF.isoformat(), "summary": summary, "runs": runs}, indent=2
        )
        + "\n"
    )
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
