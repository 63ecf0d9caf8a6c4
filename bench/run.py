"""Measure the app's pages against a minimal Flask route and an empty page.

    make bench                       # SQLite in instance/bench.sqlite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test make bench

Builds the database (bench/build_db.py), starts gunicorn (2 workers, sync
unless BENCH_WORKER_CLASS says otherwise) for facilitator and for a bare Flask
"hello" app, logs one member in, and runs wrk against each URL, in rounds
(BENCH_ROUNDS, default 3): every round measures every route once, so that the
ratios of one round share the machine's load of that moment. Prints the median
over the rounds of requests per second, p50/p99 latency and the ratios to
hello and to the empty logged-in page (a bench-only route), and writes them to
instance/bench-results.json. On PostgreSQL the data lives in a schema "bench"
that is dropped afterwards.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
THREADS = os.environ.get("BENCH_THREADS", "4")
APP_PORT, HELLO_PORT = 8101, 8102


def database_url() -> tuple[str, str | None]:
    url = os.environ.get("BENCH_DATABASE_URL", "sqlite:///bench.sqlite")
    if url.startswith(("postgres://", "postgresql")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
        base = url
        sep = "&" if "?" in url else "?"
        app_url = url + sep + "options=-csearch_path%3Dbench&application_name=" + PG_APPLICATION
        return app_url, base
    return url, None


PG_APPLICATION = "facilitator-bench"
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ticks(pids: list[int]) -> int:
    """User and system CPU time of these processes, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def children(pid: int) -> list[int]:
    """A gunicorn master's workers."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def postgres_backends(base_url: str | None) -> list[int]:
    """The PostgreSQL server processes serving the app (same machine)."""
    if base_url is None:
        return []
    from sqlalchemy import create_engine, text

    engine = create_engine(base_url)
    try:
        with engine.connect() as conn:
            return list(
                conn.scalars(
                    text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": PG_APPLICATION},
                )
            )
    finally:
        engine.dispose()


@contextmanager
def postgres_schema(base_url: str | None):
    if base_url is None:
        yield
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench CASCADE"))
        conn.execute(text("CREATE SCHEMA bench"))
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS bench CASCADE"))
        engine.dispose()


@contextmanager
def gunicorn(app: str, port: int, env: dict):
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--worker-class",
            WORKER_CLASS,
            *(["--threads", THREADS] if WORKER_CLASS == "gthread" else []),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
            app,
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def login(port: int, email: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"http://127.0.0.1:{port}/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"email": email, "password": "bench-password", "csrf_token": token}
    ).encode()
    opener.open(f"http://127.0.0.1:{port}/auth/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def feed_token() -> str:
    """A group-feed link of member 1002 (group 67: weekly over 5 years, 50 overrides)."""
    from build_db import bench_app

    from facilitator.extensions import db
    from facilitator.models import Group, User
    from facilitator.services import feeds, unit

    with bench_app().app_context():
        user = db.session.get(User, 1002)
        _feed, token = feeds.create(user, "bench", group=db.session.get(Group, 67))
        unit.commit()
        return token


def wrk(
    url: str,
    cookie: str | None = None,
    header: str | None = None,
    connections=None,
    processes=lambda: [],
) -> dict:
    """Run wrk; ``connections=1`` measures the latency of one request at a time.
    ``processes`` gives the server's processes (workers, database backends):
    their CPU time per request is measured too, a figure that the load of
    other programs on the machine does not change much, unlike req/s."""
    command = ["wrk", "-t1", f"-c{connections or CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if header:
        command[1:1] = ["-H", header]
    pids = processes()
    before = cpu_ticks(pids)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    used = cpu_ticks(pids) - before
    figures = wrk_figures(out)
    return {
        "rps": figures["rps"],
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "cpu_ms": round(used * TICK_MS / max(figures["requests"], 1), 3),
        "non_2xx": figures["non_2xx"],
    }


def wrk_figures(out: str) -> dict:
    """What wrk --latency printed: requests, req/s, p50 and p99 in ms, the
    answers that were not 2xx or 3xx, and the socket errors (connect, read,
    write, timeout), summed."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": round(rps),
        "p50_ms": milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
    }


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def milliseconds(text: str) -> float:
    """wrk's "812.00us", "1.23ms" or "1.02s" in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return round(float(number) * UNITS[unit], 3)


def median(values: list[float]) -> float:
    return statistics.median(values)


def summary(rounds: list[dict]) -> dict:
    """Per route: the median over the rounds of req/s, p50, p99, and of the
    ratios to hello and to the empty page measured in the same round."""

    def ratio(name: str, base: str) -> float:
        return median([r[name]["rps"] / r[base]["rps"] for r in rounds])

    def cpu_ratio(name: str, base: str) -> float:
        return median([r[base]["cpu_ms"] / max(r[name]["cpu_ms"], 0.001) for r in rounds])

    result = {}
    for name in rounds[0]:
        runs = [r[name] for r in rounds]
        result[name] = {
            "rps": round(median([r["rps"] for r in runs])),
            "p50_ms": round(median([r["p50_ms"] for r in runs]), 2),
            "p99_ms": round(median([r["p99_ms"] for r in runs]), 2),
            "vs_hello": round(ratio(name, "hello"), 4),
            "vs_empty": round(ratio(name, "empty page"), 3),
            "cpu_ms": round(median([r["cpu_ms"] for r in runs]), 3),
            "cpu_vs_hello": round(cpu_ratio(name, "hello"), 4),
            "cpu_vs_empty": round(cpu_ratio(name, "empty page"), 3),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "runs": [r["rps"] for r in runs],
        }
    return result


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    url, pg_base = database_url()
    env = {**os.environ, "BENCH_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    os.environ["BENCH_DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT / "bench"))
    from build_db import build

    with postgres_schema(pg_base):
        built = build()
        database = "PostgreSQL" if pg_base else "SQLite"
        print("database:", database, built, "workers:", WORKER_CLASS, flush=True)
        token = feed_token()
        rounds = []
        with (
            gunicorn("bench.hello:app", HELLO_PORT, env) as hello_pid,
            gunicorn("bench.wsgi_bench:app", APP_PORT, env) as app_pid,
        ):

            def hello_processes():
                return children(hello_pid)

            def app_processes():
                return children(app_pid) + postgres_backends(pg_base)

            cookie = login(APP_PORT, "member1002@bench.example.org")  # group 67, a member
            app = f"http://127.0.0.1:{APP_PORT}"
            feed_url = f"http://127.0.0.1:{APP_PORT}/feeds/{token}.ics"
            etag = urllib.request.urlopen(feed_url).headers["ETag"]
            for number in range(1, ROUNDS + 1):
                print(f"round {number}/{ROUNDS}", flush=True)
                rounds.append(
                    {
                        "hello": wrk(
                            f"http://127.0.0.1:{HELLO_PORT}/hello", processes=hello_processes
                        ),
                        "empty page": wrk(f"{app}/bench/empty", cookie, processes=app_processes),
                        "group page": wrk(f"{app}/groups/67", cookie, processes=app_processes),
                        "dashboard": wrk(f"{app}/", cookie, processes=app_processes),
                        "feed (full GET)": wrk(feed_url, processes=app_processes),
                        "feed (304)": wrk(
                            feed_url, header=f"If-None-Match: {etag}", processes=app_processes
                        ),
                    }
                )
    results = summary(rounds)
    print(f"median of {ROUNDS} rounds, {database}, {WORKER_CLASS} workers")
    print(
        f"{'route':<16} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'/hello':>7} {'/empty':>7}"
        f" {'CPU ms':>7} {'/hello':>7} {'/empty':>7} {'non-2xx':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:<16} {r['rps']:>7} {r['p50_ms']:>7} {r['p99_ms']:>7} "
            f"{100 * r['vs_hello']:>6.1f}% {r['vs_empty']:>7.2f} "
            f"{r['cpu_ms']:>7} {100 * r['cpu_vs_hello']:>6.1f}% {r['cpu_vs_empty']:>7.2f} "
            f"{r['non_2xx']:>8}"
        )
    (ROOT / "instance").mkdir(exist_ok=True)
    path = ROOT / "instance" / "bench-results.json"
    reports = json.loads(path.read_text()) if path.exists() else {}
    reports[f"{database}, {WORKER_CLASS}"] = {
        "worker_class": WORKER_CLASS,
        "rounds": ROUNDS,
        "duration": DURATION,
        "connections": CONNECTIONS,
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "routes": results,
        "each_round": rounds,
    }
    path.write_text(json.dumps(reports, indent=2))


if __name__ == "__main__":
    main()
