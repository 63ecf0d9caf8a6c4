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
        return url + sep + "options=-csearch_path%3Dbench", base
    return url, None


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
        yield
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
    from facilitator.services import feeds

    with bench_app().app_context():
        user = db.session.get(User, 1002)
        _feed, token = feeds.create(user, "bench", group=db.session.get(Group, 67))
        return token


def wrk(url: str, cookie: str | None = None, header: str | None = None, connections=None) -> dict:
    """Run wrk; ``connections=1`` measures the latency of one request at a time."""
    command = ["wrk", "-t1", f"-c{connections or CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if header:
        command[1:1] = ["-H", header]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(rps),
        "p50_ms": milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
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

    result = {}
    for name in rounds[0]:
        runs = [r[name] for r in rounds]
        result[name] = {
            "rps": round(median([r["rps"] for r in runs])),
            "p50_ms": round(median([r["p50_ms"] for r in runs]), 2),
            "p99_ms": round(median([r["p99_ms"] for r in runs]), 2),
            "vs_hello": round(ratio(name, "hello"), 4),
            "vs_empty": round(ratio(name, "empty page"), 3),
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
            gunicorn("bench.hello:app", HELLO_PORT, env),
            gunicorn("bench.wsgi_bench:app", APP_PORT, env),
        ):
            cookie = login(APP_PORT, "member1002@bench.example.org")  # group 67, a member
            app = f"http://127.0.0.1:{APP_PORT}"
            feed_url = f"http://127.0.0.1:{APP_PORT}/feeds/{token}.ics"
            etag = urllib.request.urlopen(feed_url).headers["ETag"]
            for number in range(1, ROUNDS + 1):
                print(f"round {number}/{ROUNDS}", flush=True)
                rounds.append(
                    {
                        "hello": wrk(f"http://127.0.0.1:{HELLO_PORT}/hello"),
                        "empty page": wrk(f"{app}/bench/empty", cookie),
                        "group page": wrk(f"{app}/groups/67", cookie),
                        "dashboard": wrk(f"{app}/", cookie),
                        "feed (full GET)": wrk(feed_url),
                        "feed (304)": wrk(feed_url, header=f"If-None-Match: {etag}"),
                    }
                )
    results = summary(rounds)
    print(f"median of {ROUNDS} rounds, {database}, {WORKER_CLASS} workers")
    print(
        f"{'route':<16} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'/hello':>7} {'/empty':>7} {'non-2xx':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:<16} {r['rps']:>7} {r['p50_ms']:>7} {r['p99_ms']:>7} "
            f"{100 * r['vs_hello']:>6.1f}% {r['vs_empty']:>7.2f} {r['non_2xx']:>8}"
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
