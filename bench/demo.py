"""Demo generation benchmark: the "demo" section of bench/results/core.json.

For each size, one subprocess runs the real `generate_demo` (build in memory, redact comments, write
every table through the schema with its indexes and foreign keys, audit) into a fresh SQLite file.
In the same run, another subprocess builds the same organisation in memory and writes the same rows
with plain `pandas.DataFrame.to_sql` into a fresh file with no schema: that is the baseline for the
write. Each runs in its own process so model loading and peak memory are its own.

    python bench/demo.py                    # 600 and 5,000 employees
    python bench/demo.py --sizes 600
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from core import RESULTS, save

AS_OF = dt.date(2026, 11, 16)
SEED = 7
TARGET_600_SECONDS = 60.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_ours(db: Path, employees: int) -> dict[str, Any]:
    from peoplealign.demo import generate_demo

    started = time.perf_counter()
    summary = generate_demo(f"sqlite:///{db}", employees=employees, seed=SEED, as_of=AS_OF)
    return {
        "seconds": time.perf_counter() - started,
        "rows": sum(summary.counts.values()),
        "peak_rss_mb": _rss_mb(),
    }


def worker_baseline(db: Path, employees: int) -> dict[str, Any]:
    import pandas as pd
    from sqlalchemy import create_engine

    from peoplealign.demo import build_demo

    started = time.perf_counter()
    data = build_demo(employees, SEED, AS_OF)
    built = time.perf_counter()
    engine = create_engine(f"sqlite:///{db}")
    rows = 0
    for name, columns in data.tables:
        frame = pd.DataFrame(
            {
                k: v
                if not isinstance(v, list) or not v or not isinstance(v[0], (list, dict))
                else [json.dumps(x) for x in v]
                for k, v in columns.items()
            }
        )
        frame.to_sql(name, engine, if_exists="append", index=False, chunksize=50_000)
        rows += len(frame)
    engine.dispose()
    return {
        "build_seconds": built - started,
        "write_seconds": time.perf_counter() - built,
        "seconds": time.perf_counter() - started,
        "rows": rows,
    }


WORKERS = {"ours": worker_ours, "baseline": worker_baseline}


def run_worker(name: str, db: Path, employees: int) -> dict[str, Any]:
    payload = json.dumps({"db": str(db), "employees": employees})
    out = subprocess.run(
        [sys.executable, __file__, "--worker", name, payload], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def demo_section(sizes: list[int]) -> dict[str, Any]:
    result: dict[str, Any] = {"seed": SEED, "as_of": AS_OF.isoformat(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="peoplealign-bench-demo-") as tmp:
        for employees in sizes:
            ours = run_worker("ours", Path(tmp) / f"ours-{employees}.db", employees)
            plain = run_worker("baseline", Path(tmp) / f"plain-{employees}.db", employees)
            result["sizes"][str(employees)] = {
                "rows": ours["rows"],
                "seconds": round(ours["seconds"], 2),
                "peak_rss_mb": round(ours["peak_rss_mb"]),
                "baseline_build_seconds": round(plain["build_seconds"], 2),
                "baseline_to_sql_seconds": round(plain["write_seconds"], 2),
                "baseline_seconds": round(plain["seconds"], 2),
                "ratio_total": round(plain["seconds"] / ours["seconds"], 3),
            }
    small = result["sizes"].get("600")
    result["target"] = {"600_employees_seconds_below": TARGET_600_SECONDS}
    result["passed"] = None if small is None else small["seconds"] < TARGET_600_SECONDS
    return result


def print_demo(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Demo organisation generation (fresh SQLite file, one process each)")
    for column in [
        "employees",
        "rows",
        "peoplealign s",
        "baseline s (build + to_sql)",
        "baseline/ours",
        "peak RSS MB",
    ]:
        table.add_column(column, justify="right")
    for employees, row in result["sizes"].items():
        table.add_row(
            employees,
            f"{row['rows']:,}",
            f"{row['seconds']:.1f}",
            f"{row['baseline_seconds']:.1f} ({row['baseline_build_seconds']:.1f} + "
            f"{row['baseline_to_sql_seconds']:.1f})",
            f"{row['ratio_total']:.2f}",
            str(row["peak_rss_mb"]),
        )
    table.caption = (
        "peoplealign writes through the real schema (indexes, foreign keys) and audits; the baseline "
        f"writes unindexed tables. Target: 600 employees in under {TARGET_600_SECONDS:.0f} s."
    )
    Console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 5000])
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, payload = args.worker
        spec = json.loads(payload)
        print(json.dumps(WORKERS[name](Path(spec["db"]), spec["employees"])))
        return
    result = demo_section(args.sizes)
    print_demo(result)
    save("demo", result, args.output)


if __name__ == "__main__":
    main()
