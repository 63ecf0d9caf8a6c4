"""The centre statistics for 600 groups with 5 years of headcounts: p50 of
the statistics of the last complete year, in process (the service alone,
and the staff's page through the app's test client), wall-clock time and the
process's CPU time (SQLite runs inside the process; on a busy machine the
CPU time moves much less than the wall-clock time).

    .venv/bin/python bench/centre_stats.py     # instance/centre-stats-bench.sqlite

The data are those of the staff list's benchmark (bench/centre_data.py:
one centre, 600 attached groups, weekly meetings over five years with their
headcounts, every other group sharing its yearly figures), in a database of
their own.
"""

from __future__ import annotations

import os
import statistics
import sys
import time as timer
from datetime import UTC, date, datetime

from sqlalchemy import select

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import centre_data, run
from bench.build_db import PASSWORD, bench_app
from facilitator.extensions import db
from facilitator.models import Centre
from facilitator.services import centre_stats

RUNS = int(os.environ.get("BENCH_RUNS", 15))


def _p50(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def main() -> None:
    # Its own database (it is dropped and built again): never the main bench's;
    # on PostgreSQL the schema "bench", dropped at the end.
    os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:///centre-stats-bench.sqlite")
    url, pg_base = run.database_url()
    with run.postgres_schema(pg_base):
        measure(url)


def measure(url: str) -> None:
    app = bench_app(url)
    app.config.update({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    now = datetime.now(UTC)
    year = now.year - 1
    with app.app_context():
        if os.environ.get("BENCH_REUSE"):
            print("reusing the database built before")
        else:
            db.drop_all()
            db.create_all()
            print("built", centre_data.populate(now))
        centre = db.session.scalar(select(Centre))
        service, service_cpu = [], []
        for _ in range(RUNS):
            db.session.expire_all()
            started, cpu = timer.perf_counter(), timer.process_time()
            result = centre_stats.report(centre, date(year, 1, 1), date(year, 12, 31), now)
            service.append(timer.perf_counter() - started)
            service_cpu.append(timer.process_time() - cpu)
            db.session.rollback()
        centre_id = centre.id
        print("year", year, "groups", result.total.groups, "held", result.total.held)
    client = app.test_client()
    https = {"base_url": "https://localhost"}
    login = client.post(
        "/auth/login", data={"email": centre_data.STAFF_EMAIL, "password": PASSWORD}, **https
    )
    assert login.status_code == 302, login.status_code
    page, page_cpu = [], []
    for _ in range(RUNS):
        started, cpu = timer.perf_counter(), timer.process_time()
        response = client.get(f"/centres/{centre_id}/statistics?year={year}", **https)
        page.append(timer.perf_counter() - started)
        page_cpu.append(timer.process_time() - cpu)
        assert response.status_code == 200, response.status_code
    print(
        {
            "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
            "runs": RUNS,
            "service_p50_ms": _p50(service),
            "service_cpu_p50_ms": _p50(service_cpu),
            "page_p50_ms": _p50(page),
            "page_cpu_p50_ms": _p50(page_cpu),
            "load_average": os.getloadavg(),
        }
    )


if __name__ == "__main__":
    main()
