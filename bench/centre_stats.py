"""The centre statistics for 600 groups with 5 years of headcounts: p50 of
the statistics of the last complete year, in process (the service alone,
and the staff's page through the app's test client), wall-clock time and the
process's CPU time (SQLite runs inside the process; on a busy machine the
CPU time moves much less than the wall-clock time).

    .venv/bin/python bench/centre_stats.py     # instance/centre-stats-bench.sqlite

Its own small generator (bench/centre_data.py, written at the same time for
the staff's group list, was not on main yet): one centre, 600 attached
groups over 7 themes and 6 cantons, attendance on, two thirds of them
sharing their figures; a weekly series each over the last five complete
years and this one; every past meeting stored with its headcount, one in
twenty cancelled. Bulk inserts with SQLAlchemy Core.
"""

from __future__ import annotations

import os
import statistics
import sys
import time as timer
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.build_db import bench_app
from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.models import (
    AttendanceRecord,
    Centre,
    CentreStaff,
    Group,
    Meeting,
    MeetingSeries,
    User,
)
from facilitator.models.groups import THEMES
from facilitator.services import centre_stats

GROUPS = int(os.environ.get("BENCH_CENTRE_GROUPS", 600))
YEARS = 5
RUNS = int(os.environ.get("BENCH_RUNS", 15))
CANTONS = ("VD", "GE", "NE", "JU", "FR", "VS")
PASSWORD = "bench-password"  # noqa: S105


def build(now: datetime) -> dict:
    started = timer.perf_counter()
    db.drop_all()
    db.create_all()
    staff = User(email="staff@bench.example.org", display_name="Staff", locale="fr")
    staff.set_password(PASSWORD)
    centre = Centre(name="Centre bench", cantons=list(CANTONS), languages=["fr"])
    db.session.add_all([staff, centre])
    db.session.flush()
    db.session.add(CentreStaff(centre_id=centre.id, user_id=staff.id))
    first_day = date(now.year - YEARS, 1, 1)
    groups, series_rows, meetings, records = [], [], [], []
    meeting_id = 0
    weekdays = rec.WEEKDAYS[:5]
    for g in range(1, GROUPS + 1):
        groups.append(
            {
                "id": g,
                "name": f"Groupe {g}",
                "theme": THEMES[g % len(THEMES)],
                "canton": CANTONS[g % len(CANTONS)],
                "language": "fr",
                "timezone": "Europe/Zurich",
                "attendance_enabled": True,
                "share_figures": g % 3 != 0,
                "centre_id": centre.id,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        weekday = weekdays[g % len(weekdays)]
        rule = rec.Rule(rec.WEEKLY, byday=(weekday,))
        start = rec.first_date(rule, first_day)
        series_rows.append(
            {
                "id": g,
                "group_id": g,
                "uid": f"bench-{g}@facilitator",
                "title": "",
                "location": "",
                "note": "",
                "start_date": start,
                "start_time": time(19),
                "duration_minutes": 120,
                "timezone": "Europe/Zurich",
                "freq": rule.freq,
                "interval": 1,
                "byday": weekday,
                "until": None,
                "sequence": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        for i, day in enumerate(rec.dates(rule, start, start, now.date() - timedelta(days=1))):
            meeting_id += 1
            original = datetime.combine(day, time(19))
            cancelled = (i + g) % 20 == 0
            meetings.append(
                {
                    "id": meeting_id,
                    "group_id": g,
                    "series_id": g,
                    "original_start": original,
                    "start": original,
                    "timezone": "Europe/Zurich",
                    "cancelled": cancelled,
                    "cancel_reason": "",
                    "uid": f"bench-{g}-{i}@facilitator",
                    "sequence": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if not cancelled:
                records.append(
                    {
                        "meeting_id": meeting_id,
                        "participants": 3 + (i * 7 + g) % 12,
                        "newcomers": (i + g) % 4 == 0,
                        "recorded_at": now,
                        "updated_at": now,
                    }
                )
    for model, rows in (
        (Group, groups),
        (MeetingSeries, series_rows),
        (Meeting, meetings),
        (AttendanceRecord, records),
    ):
        for chunk in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[chunk : chunk + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import text

        for table in ("groups", "meeting_series", "meetings", "attendance_records"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return {
        "groups": len(groups),
        "meetings": len(meetings),
        "headcounts": len(records),
        "seconds": round(timer.perf_counter() - started, 1),
    }


def _p50(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def main() -> None:
    # Its own database (it is dropped and built again): never the main bench's.
    os.environ.setdefault("BENCH_DATABASE_URL", "sqlite:///centre-stats-bench.sqlite")
    app = bench_app()
    app.config.update({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    now = datetime.now(UTC)
    year = now.year - 1
    with app.app_context():
        if os.environ.get("BENCH_REUSE"):
            print("reusing the database built before")
        else:
            print("built", build(now))
        centre = db.session.scalar(select(Centre))
        staff_email = "staff@bench.example.org"
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
    login = client.post("/auth/login", data={"email": staff_email, "password": PASSWORD}, **https)
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
