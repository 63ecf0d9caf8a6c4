"""A self-help centre's data for the benchmarks: 600 groups attached to one
centre, each with a weekly series over five years and its past meetings
stored with headcounts (participants, newcomers), and a staff account.

    python bench/centre_data.py         # into $BENCH_DATABASE_URL (default SQLite)

Reused by the centre benchmarks (``bench/centres.py``: the staff group list;
the centre statistics can measure on the same data): ``build()`` empties the
database and fills it, ``populate()`` fills a database whose tables exist.
Rows go in with SQLAlchemy Core, in bulk; every account has the password
``bench-password``.

What the groups are like (group number ``g``, from 1):
- theme, canton and language rotate (cantons of Romandie and Ticino);
- every 20th group is being founded (no meetings), every 20th (from the
  5th) stopped meeting 12 weeks ago (dormant), every 20th (from the 10th)
  3 weeks ago (paused); the others meet every week, on a weekday of their own;
- 8 members (the first co-responsible, who logged in 0 to 120 days ago);
  every 4th group shows a neutral title; every other group shares its
  yearly figures;
- two roles of one slot each, both taken at every past meeting held, in
  turn by the members (in every 3rd group the first member always holds the
  first one: more than half of the roles, a health signal); coming meetings
  are not stored (their roles are open);
- each past meeting is stored with a headcount (3 to 12 participants, 0 to 2
  newcomers), except every 25th, cancelled.
"""

from __future__ import annotations

import os
import sys
import time as timer
from datetime import UTC, datetime, time, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.build_db import account_row, bench_app, password_hash, series_row, store
from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.models import (
    AttendanceRecord,
    Centre,
    CentreStaff,
    Group,
    Meeting,
    MeetingSeries,
    Membership,
    RoleAssignment,
    RoleType,
    User,
)
from facilitator.models.groups import THEMES

GROUPS = int(os.environ.get("BENCH_CENTRE_GROUPS", 600))
YEARS = int(os.environ.get("BENCH_CENTRE_YEARS", 5))
MEMBERS = 8
STAFF_EMAIL = "staff@bench.example.org"
CENTRE_ID = 1
CANTONS = [("VD", "fr"), ("GE", "fr"), ("NE", "fr"), ("FR", "fr"), ("VS", "fr"), ("JU", "fr"),
           ("TI", "it")]  # fmt: skip


def kind_of(g: int) -> str:
    """founding, dormant, paused or active, by group number."""
    return {1: "founding", 5: "dormant", 10: "paused"}.get(g % 20, "active")


def populate(now: datetime | None = None) -> dict:
    """Fill the (empty) tables in the current app context; return counts."""
    now = now or datetime.now(UTC)
    today = now.date()
    hashed = password_hash()
    models = (User, Centre, CentreStaff, Group, Membership, MeetingSeries, Meeting,
              AttendanceRecord, RoleType, RoleAssignment)  # fmt: skip
    rows: dict[type, list[dict]] = {model: [] for model in models}

    def account(user_id: int, email: str, name: str, login: datetime | None = None) -> None:
        rows[User].append(
            {**account_row(user_id, email, name, hashed, now), "last_login_at": login}
        )

    account(1, STAFF_EMAIL, "Staff")
    rows[Centre].append(
        {
            "id": CENTRE_ID,
            "name": "Centre bench",
            "cantons": [c for c, _l in CANTONS],
            "languages": ["fr", "it"],
            "contact_email": "centre@bench.example.org",
            "created_at": now,
        }
    )
    rows[CentreStaff].append({"centre_id": CENTRE_ID, "user_id": 1, "added_at": now})
    user_id, meeting_id = 1, 0
    start = today - timedelta(days=365 * YEARS)
    for g in range(1, GROUPS + 1):
        kind = kind_of(g)
        canton, language = CANTONS[g % len(CANTONS)]
        rows[Group].append(
            {
                "id": g,
                "name": f"Groupe {g}",
                "description": "",
                "theme": THEMES[g % len(THEMES)],
                "canton": canton,
                "language": language,
                "timezone": "Europe/Zurich",
                "default_location": f"Salle {g}",
                "all_coresponsible": False,
                "attendance_enabled": True,
                "feed_title_mode": "full",
                "listed": g % 3 == 0,
                "directory_title": f"Groupe de parole {g}" if g % 4 == 0 else "",
                "accepting_newcomers": g % 5 != 0,
                "centre_id": CENTRE_ID,
                "founding": kind == "founding",
                "share_signals": True,
                "share_figures": g % 2 == 0,
                "version": 1,
                "created_at": now - timedelta(days=365 * YEARS),
                "updated_at": now,
            }
        )
        members = []
        for m in range(MEMBERS):
            user_id += 1
            login = now - timedelta(days=(g * 13) % 121) if m == 0 else None
            account(user_id, f"member{user_id}@bench.example.org", f"Membre {user_id}", login)
            members.append(user_id)  # memberships numbered as their users
            rows[Membership].append(
                {
                    "id": user_id,
                    "user_id": user_id,
                    "group_id": g,
                    "joined_at": now,
                    "role": "coresponsible" if m == 0 else "member",
                }
            )
        if kind == "founding":
            continue
        roles = (2 * g - 1, 2 * g)
        for position, role_id in enumerate(roles):
            rows[RoleType].append(
                {
                    "id": role_id,
                    "group_id": g,
                    "name": f"Rôle {position + 1}",
                    "description": "",
                    "guide": "",
                    "slots": 1,
                    "active": True,
                    "position": position,
                    "created_at": now,
                }
            )
        until = {"dormant": today - timedelta(weeks=12), "paused": today - timedelta(weeks=3)}
        weekday = rec.WEEKDAYS[g % 5]
        rule = rec.Rule(rec.WEEKLY, byday=(weekday,), until=until.get(kind))
        first = rec.first_date(rule, start)
        rows[MeetingSeries].append(series_row(g, rule, first, f"bench-centre-{g}@facilitator", now))
        for i, day in enumerate(rec.dates(rule, first, first, today - timedelta(days=1))):
            meeting_id += 1
            original = datetime.combine(day, time(19))
            cancelled = i % 25 == 24
            rows[Meeting].append(
                {
                    "id": meeting_id,
                    "group_id": g,
                    "series_id": g,
                    "original_start": original,
                    "start": original,
                    "timezone": "Europe/Zurich",
                    "cancelled": cancelled,
                    "cancel_reason": "Salle indisponible" if cancelled else "",
                    "uid": f"bench-centre-{g}-{i}@facilitator",
                    "sequence": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if not cancelled:
                first_holder = members[0] if g % 3 == 0 else members[i % MEMBERS]
                for role_id, holder in zip(
                    roles, (first_holder, members[(i + 3) % MEMBERS]), strict=True
                ):
                    rows[RoleAssignment].append(
                        {
                            "meeting_id": meeting_id,
                            "role_type_id": role_id,
                            "slot": 0,
                            "membership_id": holder,
                            "exclusive_holder": None,
                            "assigned_at": now,
                        }
                    )
                rows[AttendanceRecord].append(
                    {
                        "meeting_id": meeting_id,
                        "participants": 3 + (g * 7 + i * 3) % 10,
                        "newcomers": (g + i) % 3,
                        "recorded_at": now,
                        "updated_at": now,
                    }
                )
    store(rows)
    return {
        "groups": len(rows[Group]),
        "meetings": len(rows[Meeting]),
        "headcounts": len(rows[AttendanceRecord]),
        "roles taken": len(rows[RoleAssignment]),
        "accounts": len(rows[User]),
    }


def build(url: str | None = None) -> dict:
    """Empty the database at ``url`` (or $BENCH_DATABASE_URL) and fill it."""
    started = timer.perf_counter()
    with bench_app(url).app_context():
        db.drop_all()
        db.create_all()
        counts = populate()
    return {**counts, "seconds": round(timer.perf_counter() - started, 1)}


if __name__ == "__main__":
    print(build())
