"""Web benchmark: server time of every dashboard page each persona can open, at 5,000 employees, with
concurrent users → bench/results/web.json.

The demo organisation (`generate_demo`, then `prepare_demo_site` as `peoplealign up` does) is built
once and kept in bench/.cache/. The app runs in a uvicorn subprocess as `peoplealign serve` runs it:
one worker, with the background warm-up of the organisation-wide dashboards (`web.warm_up`), which
the benchmark waits for before it measures (`warm_up_s`); the daily retention and audit-verification
jobs are left out, as they would land in the measurement at random. `--workers 2` (written to
web-2-workers.json) runs two, as `peoplealign serve --workers 2` does: aggregates are cached per
process (`policy.snapshots`, the anonymity decisions), so each worker computes, warms and holds its own
copy; on 2 cores the benchmark's clients compete for the same CPUs. (With uvicorn's own multi-worker
socket, every kept-alive request after the first paid ~45 ms, /healthz 48 ms against 2 ms on new
connections: Kludex/uvicorn#3149, worked around in `web.workers`.)
Each persona signs in once; its pages come from
`NAV_ITEMS` filtered by the charter's views for its roles (so pages added later are measured too),
minus tooling (`/docs`), plus the pages their sub-navigation links to (listening's tabs). After
one warm-up request per page (its time is reported as `first_ms`),
five requests one at a time give what the page itself costs (`alone_ms`, median), then `--clients`
concurrent clients send `--requests` requests per page; the time of each is measured at the client
over loopback, queueing included (p50, p95). The baseline, measured the same way in the same run,
is `/healthz` (routing, middleware and one database round trip, no page work).

    python bench/web.py                          # 5,000 employees, 8 clients, 48 requests per page
    python bench/web.py --employees 600 --requests 16
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results" / "web.json"
SEED = 7
PERSONAS = ("employee", "manager", "hr_partner", "analyst", "executive", "admin")
TOOLING = frozenset({"api_docs"})
TARGET_P95_MS = 300.0
URL_VARIABLE = "PEOPLEALIGN_BENCH_URL"
ALONE_REQUESTS = 5  # one client, one request at a time: what the page itself costs, without queueing


def database(employees: int) -> str:
    """The prepared demo for this size, built on first use."""
    from peoplealign.demo.site import prepare_demo_site
    from peoplealign.store.engine import dispose_all
    from peoplealign.store.migrate import upgrade

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"demo-{employees}-seed{SEED}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        building = path.with_suffix(".building.db")
        building.unlink(missing_ok=True)
        started = time.perf_counter()
        upgrade(f"sqlite:///{building}")
        prepare_demo_site(f"sqlite:///{building}", employees, SEED, lambda step: print(f"  {step}…"))
        dispose_all()
        building.rename(path)
        print(f"built {path.name} in {time.perf_counter() - started:.0f} s")
    else:
        # Analyses added since the cache was built (and a charter, if missing) are brought up to date.
        upgrade(url)
        prepare_demo_site(url, employees, SEED, lambda step: print(f"  {step}…", flush=True))
        dispose_all()
    return url


def pages_for(url: str) -> dict[str, list[str]]:
    """Each persona's dashboard pages: the navigation the charter opens to its roles."""
    from sqlalchemy import select

    from peoplealign.demo.names import EMAIL_DOMAIN
    from peoplealign.policy.charter import active_charter
    from peoplealign.store.engine import session_scope
    from peoplealign.store.models import User
    from peoplealign.web.app import create_app
    from peoplealign.web.charter_rules import views_for_roles
    from peoplealign.web.navigation import navigation_for
    from peoplealign.web.templating import serves_page

    app = create_app(url)
    found = {}
    with session_scope(url) as session:
        charter = active_charter(session)
        for persona in PERSONAS:
            user = session.scalar(select(User).where(User.email == f"{persona}@{EMAIL_DOMAIN}"))
            assert user is not None, f"the demo has no {persona} login"
            views = views_for_roles(charter, user.roles) - TOOLING
            items = navigation_for(views, lambda path: serves_page(app, path))
            found[persona] = [item.url for item in items]
    return found


def app_from_environment() -> Any:
    """The app each worker process builds when there are several (uvicorn imports it by name)."""
    from peoplealign.web.app import create_app

    # Plain HTTP on loopback: the benchmark's client would not send Secure cookies back.
    return create_app(os.environ[URL_VARIABLE], secure_cookies=False, warm_caches=True)


def serve(url: str, port: int, workers: int) -> None:
    """As `peoplealign serve --workers N` serves, with the benchmark's app; info-level logging for the
    warm-up's lines (`wait_for_warm_up`), no access log."""
    from peoplealign.web.workers import serve as run_workers

    os.environ[URL_VARIABLE] = url
    factory = f"{Path(__file__).stem}:app_from_environment"
    run_workers(factory, host="127.0.0.1", port=port, workers=workers, access_log=False)


def wait_for_warm_up(server: subprocess.Popen[str], workers: int) -> float:
    """Seconds until every worker's first warm-up pass is done. The server's log keeps being echoed
    (and drained, so the server never blocks on a full pipe) for the rest of the run."""
    from peoplealign.web.warm_up import PASS_DONE

    started = time.perf_counter()
    done = threading.Semaphore(0)

    def echo() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            print(f"  server: {line.rstrip()}", flush=True)
            if PASS_DONE in line:
                done.release()

    threading.Thread(target=echo, daemon=True).start()
    for _ in range(workers):
        if not done.acquire(timeout=600):
            raise SystemExit("the warm-up did not finish within 10 minutes")
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the web app exited while starting")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the web app did not start within 120 s")


def sign_in(base: str, persona: str) -> httpx.Client:
    from peoplealign.demo.names import EMAIL_DOMAIN
    from peoplealign.demo.users import DEMO_PASSWORD

    client = httpx.Client(base_url=base, timeout=120, limits=httpx.Limits(max_connections=64))
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "the sign-in page has no form token"
    response = client.post(
        "/login",
        data={"email": f"{persona}@{EMAIL_DOMAIN}", "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
    )
    signed_in = response.status_code == 303 and "/login" not in response.headers.get("location", "/login")
    assert signed_in, f"{persona} could not sign in"
    return client


def tabs_of(html: str) -> list[str]:
    """The pages a page's own sub-navigation links to (listening's emerging topics and survey
    results): dashboards too, though not in the main navigation."""
    return [
        link
        for nav in re.findall(r'<nav class="subnav".*?</nav>', html, re.DOTALL)
        for link in re.findall(r'href="(/[^"?#]*)"', nav)
    ]


def measure(client: httpx.Client, path: str, clients: int, requests: int) -> dict[str, Any]:
    def one(_: int) -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get(path)
        return (time.perf_counter() - started) * 1000, response.status_code

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, range(requests)))
    times = sorted(t for t, _ in results)
    statuses = sorted({s for _, s in results})
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, round(0.95 * len(times)) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "requests": len(times),
        "statuses": statuses,
    }


def run(employees: int, clients: int, requests: int, workers: int) -> dict[str, Any]:
    url = database(employees)
    pages = pages_for(url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, "--port", str(port), "--workers", str(workers)],
        cwd=HERE.parent,
        stderr=subprocess.PIPE,
        text=True,
    )
    rows: list[dict[str, Any]] = []
    try:
        _wait_ready(base, server)
        warm_up_s = wait_for_warm_up(server, workers)
        with httpx.Client(base_url=base, timeout=60) as plain:
            plain.get("/healthz")
            baseline = measure(plain, "/healthz", clients, requests)
        for persona in PERSONAS:
            client = sign_in(base, persona)
            try:
                todo = list(pages[persona])
                for path in todo:
                    started = time.perf_counter()
                    response = client.get(path)
                    first = (time.perf_counter() - started) * 1000
                    status = response.status_code
                    todo.extend(p for p in tabs_of(response.text) if p not in todo)
                    row = {
                        "persona": persona,
                        "page": path,
                        "first_ms": round(first, 1),
                        "first_status": status,
                        "alone_ms": measure(client, path, 1, ALONE_REQUESTS)["p50_ms"],
                    }
                    row.update(measure(client, path, clients, requests))
                    rows.append(row)
                    print(
                        f"  {persona:<11} {path:<24} alone {row['alone_ms']:>7.1f}  "
                        f"p50 {row['p50_ms']:>7.1f}  p95 {row['p95_ms']:>7.1f}  "
                        f"first {first:>8.1f} ms  {row['statuses']}"
                    )
            finally:
                client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    worst = max((r["p95_ms"] for r in rows), default=0.0)
    return {
        "employees": employees,
        "clients": clients,
        "requests_per_page": requests,
        "workers": workers,
        "warm_up_s": round(warm_up_s, 1),
        "target_p95_ms": TARGET_P95_MS,
        "baseline": {"page": "/healthz", **baseline},
        "pages": rows,
        "worst_p95_ms": worst,
        "worst_p95_over_baseline": round(worst / baseline["p95_ms"], 1) if baseline["p95_ms"] else None,
        "all_ok": all(r["statuses"] == [200] for r in rows),
        "target_met": worst < TARGET_P95_MS and all(r["statuses"] == [200] for r in rows),
    }


def print_table(result: dict[str, Any]) -> None:
    header = (
        f"{'persona':<11} {'page':<24} {'alone ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'first ms':>9}  status"
    )
    print(
        f"\nweb: {result['employees']:,} employees, {result['clients']} concurrent clients, "
        f"{result['requests_per_page']} requests per page, {result['workers']} worker, "
        f"measured after the {result['warm_up_s']} s warm-up"
    )
    print(header)
    print("-" * len(header))
    base = result["baseline"]
    print(
        f"{'(baseline)':<11} {base['page']:<24} {'':>9} {base['p50_ms']:>8.1f} {base['p95_ms']:>8.1f} "
        f"{base['max_ms']:>8.1f} {'':>9}  {base['statuses']}"
    )
    for row in result["pages"]:
        print(
            f"{row['persona']:<11} {row['page']:<24} {row['alone_ms']:>9.1f} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} "
            f"{row['max_ms']:>8.1f} {row['first_ms']:>9.1f}  {row['statuses']}"
        )
    verdict = "met" if result["target_met"] else "NOT met"
    print(
        f"\nworst p95 {result['worst_p95_ms']:.1f} ms ({result['worst_p95_over_baseline']}x /healthz); "
        f"target p95 < {TARGET_P95_MS:.0f} ms: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=48, help="requests per page")
    parser.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes (results of more than one: web-N-workers.json)",
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.workers)
        return
    result = run(args.employees, args.clients, args.requests, args.workers)
    print_table(result)
    path = RESULTS if args.workers == 1 else RESULTS.with_name(f"web-{args.workers}-workers.json")
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
