"""Build the benchmark database: 2,000 groups, 30,000 members, each group with
a weekly series over five years and 50 overrides.

    python bench/build_db.py            # into $BENCH_DATABASE_URL (default SQLite)

Rows are inserted in bulk with SQLAlchemy Core; every member shares one
password hash (``bench-password``) so that building takes seconds.
"""

from __future__ import annotations

import os
import sys
import time as timer
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, text

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from facilitator import create_app
from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.models import Group, Meeting, MeetingSeries, Membership, User

GROUPS = int(os.environ.get("BENCH_GROUPS", 2000))
MEMBERS_PER_GROUP = int(os.environ.get("BENCH_MEMBERS_PER_GROUP", 15))
OVERRIDES_PER_GROUP = 50
PASSWORD = "bench-password"  # noqa: S105
WEEKDAYS = rec.WEEKDAYS[:5]


def bench_app(url: str | None = None):
    return create_app(
        {
            "ENV_NAME": "bench",
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": url
            or os.environ.get("BENCH_DATABASE_URL", "sqlite:///bench.sqlite"),
        }
    )


def password_hash() -> str:
    """The one hash every bench account shares (hashing is slow on purpose)."""
    probe = User(email="x@example.org", display_name="x", locale="fr")
    probe.set_password(PASSWORD)
    return probe.password_hash


def account_row(user_id: int, email: str, name: str, hashed: str, now: datetime) -> dict:
    return {
        "id": user_id,
        "email": email,
        "password_hash": hashed,
        "display_name": name,
        "locale": "fr",
        "session_version": 1,
        "created_at": now,
    }


def series_row(g: int, rule: rec.Rule, first, uid: str, now: datetime) -> dict:
    """Group ``g``'s one weekly series (its id is the group's), at 19:00."""
    return {
        "id": g,
        "group_id": g,
        "uid": uid,
        "title": "",
        "location": f"Salle {g}",
        "note": "",
        "start_date": first,
        "start_time": time(19),
        "duration_minutes": 120,
        "timezone": "Europe/Zurich",
        "freq": rule.freq,
        "interval": 1,
        "byday": rule.byday[0],
        "until": rule.until,
        "sequence": 0,
        "created_at": now,
        "updated_at": now,
    }


def store(rows: dict) -> None:
    """Insert the rows (model -> list of dicts) in bulk, in the order given;
    on PostgreSQL move the id sequences past them and ANALYZE."""
    for model, batch in rows.items():
        for chunk in range(0, len(batch), 5000):
            db.session.execute(insert(model), batch[chunk : chunk + 5000])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for model in rows:
            if "id" in model.__table__.c and model.__table__.c.id.autoincrement is not False:
                table = model.__tablename__
                db.session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def build() -> dict:
    app = bench_app()
    started = timer.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        hashed = password_hash()
        now = datetime.now(UTC)
        today = now.date()
        series_start = today - timedelta(days=5 * 365 // 2)  # 2.5 years back, 5 years long
        users, groups, memberships, series_rows, meetings = [], [], [], [], []
        user_id = 0
        for g in range(1, GROUPS + 1):
            groups.append(
                {
                    "id": g,
                    "name": f"Groupe {g}",
                    "description": "",
                    "theme": "health",
                    "canton": "VD" if g % 3 else "TI",
                    "language": "fr" if g % 3 else "it",
                    "timezone": "Europe/Zurich",
                    "default_location": f"Salle {g}",
                    "all_coresponsible": False,
                    "attendance_enabled": False,
                    "feed_title_mode": "full",
                    "listed": False,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for m in range(MEMBERS_PER_GROUP):
                user_id += 1
                users.append(
                    account_row(
                        user_id,
                        f"member{user_id}@bench.example.org",
                        f"Membre {user_id}",
                        hashed,
                        now,
                    )
                )
                memberships.append(
                    {
                        "user_id": user_id,
                        "group_id": g,
                        "joined_at": now,
                        "role": "coresponsible" if m == 0 else "member",
                    }
                )
            weekday = WEEKDAYS[g % len(WEEKDAYS)]
            rule = rec.Rule(
                rec.WEEKLY, byday=(weekday,), until=series_start + timedelta(days=5 * 365)
            )
            first = rec.first_date(rule, series_start)
            series_rows.append(series_row(g, rule, first, f"bench-{g}@facilitator", now))
            days = rec.dates(rule, first, first, rule.until)
            step = max(len(days) // OVERRIDES_PER_GROUP, 1)
            for i, day in enumerate(days[::step][:OVERRIDES_PER_GROUP]):
                original = datetime.combine(day, time(19))
                moved = i % 5 == 0
                meetings.append(
                    {
                        "group_id": g,
                        "series_id": g,
                        "original_start": original,
                        "start": original + timedelta(days=1) if moved else original,
                        "timezone": "Europe/Zurich",
                        "cancelled": not moved,
                        "cancel_reason": "" if moved else "Salle indisponible",
                        "uid": f"bench-{g}-{i}@facilitator",
                        "sequence": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        store(
            {
                User: users,
                Group: groups,
                Membership: memberships,
                MeetingSeries: series_rows,
                Meeting: meetings,
            }
        )
    return {
        "groups": len(groups),
        "members": len(users),
        "series": len(series_rows),
        "overrides": len(meetings),
        "seconds": round(timer.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    print(build())
