"""Load: many clients at once against gunicorn with 2 sync workers.

    make bench-load                                                        # SQLite
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test make bench-load

On the data set of bench/build_db.py, served by bench/wsgi_bench.py:
(a) feeds: 200 calendar clients at once for 60 s, half fetching a group feed
    in full without validators, half with If-None-Match (answered 304); two
    wrk processes run side by side, so that each kind has its own p50/p99;
(b) pages: 50 logged-in members at once, each on their own group's page, for
    30 s (wrk, one thread and one connection per member);
(c) first actions: 20 members act at the same moment on a meeting nobody has
    touched yet (ten take ten different role slots, two the same slot, eight
    say they plan to come), in 5 rounds, each on another fresh meeting; what
    is stored is checked after each round (one meeting row, one assignment or
    answer per success).

An error is any answer other than the expected one (feeds 200 or 304, pages
200, first actions 302, or 409 saying the slot was just taken) and any
socket error (counted as status 0 in the first actions). Prints
the figures, writes instance/bench-load-results.json and exits 1 if there
was an error or a 500. The server allows 1,000 log-ins per minute from one
address (70 come from here in a few seconds); on PostgreSQL the schema
"bench" is dropped at the end.
"""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    APP_PORT,
    ROOT,
    database_url,
    feed_token,
    gunicorn,
    login,
    postgres_schema,
    wrk_figures,
)

FEED_CLIENTS = int(os.environ.get("BENCH_LOAD_FEED_CLIENTS", "200"))
FEED_DURATION = os.environ.get("BENCH_LOAD_FEED_DURATION", "60s")
PAGE_CLIENTS = int(os.environ.get("BENCH_LOAD_PAGE_CLIENTS", "50"))
PAGE_DURATION = os.environ.get("BENCH_LOAD_PAGE_DURATION", "30s")
FIRST_ROUNDS = int(os.environ.get("BENCH_LOAD_FIRST_ROUNDS", "5"))
FIRST_ACTORS = 20
MEMBERS_PER_GROUP = int(os.environ.get("BENCH_MEMBERS_PER_GROUP", 15))
SCRIPT = Path(__file__).resolve().parent / "load.lua"
APP = f"http://127.0.0.1:{APP_PORT}"
CSRF = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)"')


def load_wrk(
    url: str, connections: int, duration: str, threads: int = 1, header=None, clients=None
) -> subprocess.Popen:
    """Start wrk with bench/load.lua (status counts; with ``clients``, a file
    of "path<TAB>cookie" lines, one per thread)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--timeout", "10s"]
    command += ["--latency", "-s", str(SCRIPT), url]
    if header:
        command[1:1] = ["-H", header]
    env = {**os.environ, "BENCH_LOAD_CLIENTS": clients or ""}
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)


def load_result(process: subprocess.Popen, expected: set[int]) -> dict:
    out, _ = process.communicate()
    if process.returncode:
        sys.exit(f"wrk failed:\n{out}")
    figures = wrk_figures(out)
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    unexpected = sum(n for s, n in statuses.items() if s not in expected)
    return {
        "requests": figures["requests"],
        "rps": figures["rps"],
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "statuses": statuses,
        "socket_errors": figures["socket_errors"],
        "errors": unexpected + figures["socket_errors"],
    }


def feeds(token: str) -> dict:
    """(a) full GETs and conditional GETs of one group feed, side by side."""
    url = f"{APP}/feeds/{token}.ics"
    etag = urllib.request.urlopen(f"http://127.0.0.1:{APP_PORT}/feeds/{token}.ics").headers["ETag"]
    half = FEED_CLIENTS // 2
    full = load_wrk(url, FEED_CLIENTS - half, FEED_DURATION)
    conditional = load_wrk(url, half, FEED_DURATION, header=f"If-None-Match: {etag}")
    return {
        "full GET": load_result(full, {200}),
        "conditional GET": load_result(conditional, {200, 304}),
    }


def pages() -> dict:
    """(b) each client a member of another group, on that group's page."""
    lines = []
    for group in range(1, PAGE_CLIENTS + 1):
        member = (group - 1) * MEMBERS_PER_GROUP + 2  # the group's first plain member
        cookie = login(APP_PORT, f"member{member}@bench.example.org")
        lines.append(f"/groups/{group}\t{cookie}\n")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as clients:
        clients.writelines(lines)
    try:
        process = load_wrk(
            f"{APP}/", PAGE_CLIENTS, PAGE_DURATION, threads=PAGE_CLIENTS, clients=clients.name
        )
        return {"group page": load_result(process, {200})}
    finally:
        os.unlink(clients.name)


def first_action_group() -> dict:
    """A group of 20 members (their password that of every bench member),
    with a weekly series from next week on, attendance on and three slots to
    each of its five roles."""
    from datetime import time

    from build_db import bench_app
    from flask_babel import force_locale

    from facilitator.domain import recurrence as rec
    from facilitator.extensions import db
    from facilitator.i18n import locale_for
    from facilitator.models import Membership, User
    from facilitator.models.groups import MemberRole
    from facilitator.services import groups, roles, schedule, unit
    from facilitator.services.roles.errors import SlotTaken

    app = bench_app()
    with app.test_request_context():
        password_hash = db.session.get(User, 1).password_hash
        people = [
            User(
                email=f"first{n}@bench.example.org",
                display_name=f"Premier {n}",
                locale="fr",
                password_hash=password_hash,
            )
            for n in range(FIRST_ACTORS)
        ]
        db.session.add_all(people)
        db.session.flush()
        group = groups.create_group(
            people[0],
            groups.GroupData(
                name="Premières actions",
                description="",
                theme="health",
                canton="VD",
                language="fr",
                timezone="Europe/Zurich",
                default_location="Salle A",
            ),
        )
        group.attendance_enabled = True
        for person in people[1:]:
            db.session.add(Membership(user=person, group=group, role=MemberRole.MEMBER))
        start = date.today() + timedelta(days=7)
        series = schedule.create_series(
            group,
            people[0],
            schedule.SeriesData(
                start_date=start,
                start_time=time(19),
                duration_minutes=120,
                rule=rec.Rule(rec.WEEKLY, byday=(rec.WEEKDAYS[start.weekday()],)),
            ),
        )
        role_ids = []
        for role in db.session.scalars(roles.role_types(group)):
            role.slots = 3
            role_ids.append(role.id)
        unit.commit()
        with force_locale(locale_for("fr")):
            taken = str(SlotTaken.message)
        return {
            "app": app,
            "taken": taken,
            "group": group.id,
            "series": series.id,
            "start": start,
            "roles": role_ids,
            "emails": [p.email for p in people],
        }


def send(path: str, cookie: str, data: dict | None = None) -> tuple[int, str]:
    """POST ``data`` (GET without) as the member of ``cookie``: (status, body),
    redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=60)
    try:
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        body = None if data is None else urllib.parse.urlencode(data)
        connection.request("GET" if data is None else "POST", path, body, headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def at_once(actions: list[tuple[str, dict]], clients: list[tuple[str, str]]) -> list:
    """POST each action as its client (cookie, CSRF token), all at the same
    moment; the (status, body) answers, in order (status 0: no answer)."""
    answers: list[tuple[int, str]] = [(0, "")] * len(actions)
    barrier = threading.Barrier(len(actions))

    def act(index: int, path: str, data: dict, cookie: str, token: str) -> None:
        barrier.wait()
        try:
            answers[index] = send(path, cookie, {"csrf_token": token, **data})
        except OSError as exc:
            answers[index] = (0, str(exc))

    threads = [
        threading.Thread(target=act, args=(n, path, data, *clients[n]))
        for n, (path, data) in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def stored(setup: dict, day: date) -> dict:
    """What the round on ``day`` stored: meeting rows, assignments, answers."""
    from datetime import datetime, time

    from sqlalchemy import func, select

    from facilitator.extensions import db
    from facilitator.models import Intention, Meeting, RoleAssignment

    with setup["app"].app_context():
        meeting_ids = select(Meeting.id).where(
            Meeting.series_id == setup["series"],
            Meeting.original_start == datetime.combine(day, time(19)),
        )

        def count(statement) -> int:
            return db.session.scalar(select(func.count()).select_from(statement.subquery()))

        return {
            "meetings": count(meeting_ids),
            "assignments": count(
                select(RoleAssignment.id).where(RoleAssignment.meeting_id.in_(meeting_ids))
            ),
            "answers": count(select(Intention.id).where(Intention.meeting_id.in_(meeting_ids))),
        }


def first_actions(setup: dict) -> dict:
    """(c) rounds of 20 first actions at once, each round on a fresh meeting."""
    clients = []
    first_page = f"/groups/{setup['group']}/meetings/s{setup['series']}-"
    for email in setup["emails"]:
        cookie = login(APP_PORT, email)
        status, page = send(f"{first_page}{setup['start']:%Y%m%d}1900", cookie)
        found = CSRF.search(page)
        if status != 200 or not found:
            sys.exit(f"{email}: the meeting page answered {status} without a form")
        token = found.group(1)
        clients.append((cookie, token))
    statuses: Counter[int] = Counter()
    rounds = []
    for number in range(FIRST_ROUNDS):
        day = setup["start"] + timedelta(weeks=number)
        page = f"/groups/{setup['group']}/meetings/s{setup['series']}-{day:%Y%m%d}1900"
        role_ids = setup["roles"]
        actions = []
        for n in range(len(clients)):
            if n < 10:  # ten different slots
                actions.append((f"{page}/roles/{role_ids[n % 5]}/{n // 5}/take", {}))
            elif n < 12:  # two members, one slot
                actions.append((f"{page}/roles/{role_ids[0]}/2/take", {}))
            else:
                actions.append((f"{page}/intention", {"answer": "yes"}))
        answers = at_once(actions, clients)
        # A 409 is an error unless it says why (the slot was taken a moment ago).
        codes = [
            status if status != 409 or setup["taken"] in html.unescape(body) else 0
            for status, body in answers
        ]
        statuses.update(codes)
        took = sum(
            1 for (path, _), c in zip(actions, codes, strict=True) if "take" in path and c == 302
        )
        said = sum(
            1
            for (path, _), c in zip(actions, codes, strict=True)
            if "intention" in path and c == 302
        )
        found = stored(setup, day)
        rounds.append(
            {
                "day": day.isoformat(),
                "statuses": dict(Counter(codes)),
                "stored": found,
                "consistent": found == {"meetings": 1, "assignments": took, "answers": said},
            }
        )
    errors = sum(n for status, n in statuses.items() if status not in (302, 409))
    return {
        "rounds": rounds,
        "statuses": dict(statuses),
        "server_errors": statuses.get(500, 0),
        "errors": errors + sum(1 for r in rounds if not r["consistent"]),
    }


def main() -> None:
    url, pg_base = database_url()
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        # 70 log-ins from one address in a few seconds: the set-up, not an attack.
        "LOGIN_LIMIT_PER_IP": "1000 per minute",
    }
    os.environ["BENCH_DATABASE_URL"] = url
    from build_db import build

    results: dict = {}
    with ExitStack() as stack:
        stack.enter_context(postgres_schema(pg_base))
        built = build()
        database = "PostgreSQL" if pg_base else "SQLite"
        print("database:", database, built, flush=True)
        token = feed_token()
        setup = first_action_group()
        stack.enter_context(gunicorn("bench.wsgi_bench:app", APP_PORT, env))
        print(f"(a) {FEED_CLIENTS} feed clients for {FEED_DURATION}", flush=True)
        results["feeds"] = feeds(token)
        print(f"(b) {PAGE_CLIENTS} logged-in clients for {PAGE_DURATION}", flush=True)
        results["pages"] = pages()
        print(f"(c) {FIRST_ROUNDS} rounds of {FIRST_ACTORS} first actions", flush=True)
        results["first actions"] = first_actions(setup)
    report(database, results)


def report(database: str, results: dict) -> None:
    print(f"\n{database}, gunicorn 2 sync workers")
    print(f"{'load':<38} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  statuses")
    for part in ("feeds", "pages"):
        for name, r in results[part].items():
            clients = FEED_CLIENTS if part == "feeds" else PAGE_CLIENTS
            label = f"{name} ({clients} clients in all)" if part == "feeds" else name
            print(
                f"{label:<38} {r['requests']:>9} {r['p50_ms']:>8} {r['p99_ms']:>8} "
                f"{r['errors']:>7}  {r['statuses']}"
            )
    first = results["first actions"]
    print(
        f"first actions: {FIRST_ROUNDS} rounds of {FIRST_ACTORS}, statuses {first['statuses']}, "
        f"500s {first['server_errors']}, consistent rounds "
        f"{sum(r['consistent'] for r in first['rounds'])}/{len(first['rounds'])}"
    )
    (ROOT / "instance").mkdir(exist_ok=True)
    path = ROOT / "instance" / "bench-load-results.json"
    reports = json.loads(path.read_text()) if path.exists() else {}
    reports[database] = {
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "feed_clients": FEED_CLIENTS,
        "feed_duration": FEED_DURATION,
        "page_clients": PAGE_CLIENTS,
        "page_duration": PAGE_DURATION,
        **results,
    }
    path.write_text(json.dumps(reports, indent=2))
    errors = sum(r["errors"] for part in ("feeds", "pages") for r in results[part].values())
    if errors or first["errors"]:
        sys.exit(f"errors: {errors} under load, {first['errors']} in the first actions")


if __name__ == "__main__":
    main()
