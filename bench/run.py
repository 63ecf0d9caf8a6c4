"""Measure the group page and the dashboard against a minimal Flask route.

    make bench                       # SQLite in instance/bench.sqlite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/test make bench

Builds the database (bench/build_db.py), starts gunicorn with 2 sync workers
for facilitator and for a bare Flask "hello" app, logs one member in, and runs
wrk against each URL. Prints requests per second and p50/p99 latency.
On PostgreSQL the data lives in a schema "bench" that is dropped afterwards.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
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
        "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1),
        "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


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
        print("database:", "PostgreSQL" if pg_base else "SQLite", built, flush=True)
        token = feed_token()
        results = {}
        with gunicorn("bench.hello:app", HELLO_PORT, env):
            results["hello"] = wrk(f"http://127.0.0.1:{HELLO_PORT}/hello")
        with gunicorn("bench.wsgi_bench:app", APP_PORT, env):
            cookie = login(APP_PORT, "member1002@bench.example.org")  # group 67, a member
            results["group page"] = wrk(f"http://127.0.0.1:{APP_PORT}/groups/67", cookie)
            results["dashboard"] = wrk(f"http://127.0.0.1:{APP_PORT}/", cookie)
            feed_url = f"http://127.0.0.1:{APP_PORT}/feeds/{token}.ics"
            etag = urllib.request.urlopen(feed_url).headers["ETag"]
            results["feed (full)"] = wrk(feed_url, connections=1)
            results["feed (304)"] = wrk(feed_url, header=f"If-None-Match: {etag}")
    base = results["hello"]["rps"]
    print(f"{'route':<12} {'req/s':>8} {'p50':>9} {'p99':>9} {'vs hello':>9} {'non-2xx':>8}")
    for name, r in results.items():
        share = f"{100 * r['rps'] / base:.0f}%"
        print(f"{name:<12} {r['rps']:>8} {r['p50']:>9} {r['p99']:>9} {share:>9} {r['non_2xx']:>8}")
    (ROOT / "instance").mkdir(exist_ok=True)
    (ROOT / "instance" / "bench-results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
