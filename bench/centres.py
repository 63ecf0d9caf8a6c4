"""The staff group list for 600 groups (bench/centre_data.py), next to the
bare "hello" app and the app's empty logged-in page, as bench/run.py
measures the member pages.

    python bench/centres.py             # SQLite (instance/bench.sqlite)
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python bench/centres.py

Each round runs wrk on /hello, the empty page and the staff list, first with
8 connections (req/s, as the other benchmarks) and then on the staff list
with one connection (the p50 of one request at a time: the latency a staff
member waits, which the issue's target is about). Prints the medians of the
rounds; writes them to instance/bench-results.json under "centres, …".
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

ROOT = run.ROOT


def main() -> None:
    url, pg_base = run.database_url()
    env = {**os.environ, "BENCH_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    os.environ["BENCH_DATABASE_URL"] = url
    import centre_data

    with run.postgres_schema(pg_base):
        built = centre_data.build(url)
        database = "PostgreSQL" if pg_base else "SQLite"
        print("database:", database, built, flush=True)
        rounds = []
        with (
            run.gunicorn("bench.hello:app", run.HELLO_PORT, env) as hello_pid,
            run.gunicorn("bench.wsgi_bench:app", run.APP_PORT, env) as app_pid,
        ):

            def app_processes():
                return run.children(app_pid) + run.postgres_backends(pg_base)

            cookie = run.login(run.APP_PORT, centre_data.STAFF_EMAIL)
            app = f"http://127.0.0.1:{run.APP_PORT}"
            groups = f"{app}/centres/{centre_data.CENTRE_ID}/groups"
            for number in range(1, run.ROUNDS + 1):
                print(f"round {number}/{run.ROUNDS}", flush=True)
                rounds.append(
                    {
                        "hello": run.wrk(
                            f"http://127.0.0.1:{run.HELLO_PORT}/hello",
                            processes=lambda: run.children(hello_pid),
                        ),
                        "empty page": run.wrk(
                            f"{app}/bench/empty", cookie, processes=app_processes
                        ),
                        "staff list": run.wrk(groups, cookie, processes=app_processes),
                        "staff list, 1 conn": run.wrk(
                            groups, cookie, connections=1, processes=app_processes
                        ),
                    }
                )
    results = run.summary(rounds)
    print(f"median of {run.ROUNDS} rounds, {database}, {run.WORKER_CLASS} workers")
    print(f"{'route':<20} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'/hello':>7} {'CPU ms':>7}")
    for name, r in results.items():
        print(
            f"{name:<20} {r['rps']:>7} {r['p50_ms']:>7} {r['p99_ms']:>7} "
            f"{100 * r['vs_hello']:>6.1f}% {r['cpu_ms']:>7}"
        )
    (ROOT / "instance").mkdir(exist_ok=True)
    path = ROOT / "instance" / "bench-results.json"
    reports = json.loads(path.read_text()) if path.exists() else {}
    reports[f"centres, {database}, {run.WORKER_CLASS}"] = {
        "data": built,
        "rounds": run.ROUNDS,
        "duration": run.DURATION,
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "routes": results,
    }
    path.write_text(json.dumps(reports, indent=2))


if __name__ == "__main__":
    main()
