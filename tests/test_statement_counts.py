"""How many SQL statements each page of a group runs, pinned.

Each page is counted on a small group (three members, a few past meetings),
then again once the group has twenty more members and a year and a half of
past meetings, with their roles, headcounts, changed and cancelled dates:
the count must not move (no query per member or per meeting), and it must be
the number written here, so that one more statement shows in review. The
dashboard is counted the same way, for four groups as for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest

from facilitator.domain.recurrence import MONTHLY, WEEKLY, Rule
from facilitator.extensions import cache, db
from facilitator.models import (
    AttendanceRecord,
    ContactMessage,
    Group,
    MeetingSeries,
    Membership,
    RoleAssignment,
    RoleOptIn,
    Unavailability,
    User,
    WelcomeMessage,
)
from facilitator.models.groups import MemberRole
from facilitator.services import (
    attendance,
    charter,
    clock,
    feeds,
    invitations,
    roles,
    schedule,
    welcome,
)
from tests.conftest import count_queries

NOW = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)  # a Thursday
SERIES_START = date(2026, 8, 4)  # three Tuesdays before NOW
LONG_AGO = date(2025, 1, 7)  # where the series starts once the group has a history
MORE_MEMBERS = 20


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _before(occurrence: schedule.Occurrence) -> datetime:
    """A moment when ``occurrence`` was still to come (roles are given then)."""
    return occurrence.start_utc - timedelta(days=1)


def _key(series, day: date) -> str:
    return f"s{series.id}-{day:%Y%m%d}1900"


def _membership(user, group) -> Membership:
    return db.session.scalar(Membership.select_for(user.id, group.id))


@dataclass
class Small:
    """A small group, seen by its co-responsible Camille and its member Ana."""

    group: Group
    series: MeetingSeries
    camille: User
    ana: User
    values: dict[str, int | str]  # what the pages' paths are made of


def _give(group, actor, occurrence, role, slot, membership):
    return roles.assign(group, actor, occurrence, role, slot, membership, _before(occurrence))[0]


@pytest.fixture
def small(app, make_user, make_group, add_member):
    """Camille (co-responsible), Ana and Ben; a weekly series from 4 August
    (three Tuesdays past), a past and a coming one-off meeting, roles at
    past and coming meetings, a headcount, a cancelled and a moved date, an
    absence, an invitation, a pending swap, feed links, a charter changed in
    substance that Ben has read and Ana not yet, and Camille as Ana's welcome
    contact, with a message from her."""
    camille = make_user("Camille")
    group = make_group(camille)
    ana, ben = make_user("Ana"), make_user("Ben")
    add_member(group, ana)
    add_member(group, ben)
    attendance.enable(group, camille)
    mine, anas, bens = (_membership(u, group) for u in (camille, ana, ben))
    role_list = db.session.scalars(roles.role_types(group)).all()
    roles.set_opt_ins(anas, {r.id for r in role_list})
    roles.set_opt_ins(bens, {role_list[0].id})
    series = schedule.create_series(
        group,
        camille,
        schedule.SeriesData(
            start_date=SERIES_START,
            start_time=time(19),
            duration_minutes=120,
            rule=Rule(WEEKLY, byday=("TU",)),
            location="Salle B",
        ),
    )
    for start in (datetime(2026, 8, 8, 10), datetime(2026, 9, 5, 10)):
        schedule.create_one_off(
            group, camille, schedule.MeetingData(start=start, duration_minutes=60)
        )
    past = schedule.find(group, _key(series, date(2026, 8, 11)))
    _give(group, camille, past, role_list[0], 0, anas)
    attendance.record(group, mine, schedule.find(group, past.key), 9, 2, NOW)
    schedule.cancel(group, camille, schedule.find(group, _key(series, date(2026, 8, 4))), "")
    coming = schedule.find(group, _key(series, date(2026, 8, 25)))
    _give(group, camille, coming, role_list[0], 0, anas)
    held = _give(group, camille, schedule.find(group, coming.key), role_list[1], 0, mine)
    _give(
        group, camille, schedule.find(group, _key(series, date(2026, 9, 1))), role_list[0], 0, bens
    )
    moved = schedule.find(group, _key(series, date(2026, 9, 8)))
    schedule.change(
        group,
        camille,
        moved,
        schedule.MeetingData(
            start=datetime(2026, 9, 9, 19), duration_minutes=120, location="Salle C"
        ),
    )
    attendance.set_intention(group, ana, schedule.find(group, coming.key), True, NOW)
    roles.add_unavailability(bens, date(2026, 10, 1), date(2026, 10, 14), "")
    invitations.create_invitation(group, camille, days=7, max_uses=None)
    swap = roles.propose_swap(group, mine, held, bens, None, NOW)
    _feed, group_feed = feeds.create(camille, "tablet", group)
    _feed, personal_feed = feeds.create(camille, "phone")
    db.session.add(
        ContactMessage(
            group_id=group.id, sender_name="Léa", sender_contact="l@example.org", body="Bonjour"
        )
    )
    camille_m = _membership(camille, group)
    pairing = welcome.pair(group, camille_m, anas.id, camille_m.id, NOW, str)
    db.session.add(WelcomeMessage(pairing_id=pairing.id, from_newcomer=True, body="Bonjour"))
    changed = charter.revise(group, camille, "- Une règle", must_reread=True, base=1)
    charter.acknowledge(bens, changed.number)
    db.session.commit()
    values = {
        "group": group.id,
        "charter_version": changed.id,
        "pairing": pairing.id,
        "coming": coming.key,
        "past": past.key,
        "held": held.id,
        "swap": swap.id,
        "group_feed": group_feed,
        "personal_feed": personal_feed,
    }
    return Small(group, series, camille, ana, values)


def _grow(small: Small, make_user) -> None:
    """Twenty more members (willing, away now and then, holding roles,
    answering, three of them co-responsible with an invitation each, some
    asking Camille to swap) and a year and a half of past meetings, with their
    roles and headcounts, some cancelled, some moved, some one-off, and an
    older series ended with its own meetings and headcounts. Written
    straight to the database where the services would commit once a row."""
    group, camille = small.group, small.camille
    role_list = db.session.scalars(roles.role_types(group)).all()
    mine = _membership(camille, group)
    newcomers = []
    for n in range(MORE_MEMBERS):
        user = make_user()
        role = MemberRole.CORESPONSIBLE if n < 3 else MemberRole.MEMBER
        membership = Membership(group_id=group.id, user_id=user.id, role=role)
        db.session.add(membership)
        db.session.flush()
        newcomers.append(membership)
        db.session.add_all(
            RoleOptIn(membership_id=membership.id, role_type_id=r.id) for r in role_list
        )
        db.session.add(
            Unavailability(
                membership_id=membership.id, first=date(2026, 11, 1 + n), last=date(2026, 11, 2 + n)
            )
        )
        if n < 3:
            invitations.create_invitation(group, user, days=7, max_uses=n + 1)
    # The series reaches back to January 2025: eighty-two more past Tuesdays.
    small.series.start_date = LONG_AGO
    small.series.sequence += 1
    group.version += 1
    for week in range(82):
        day = LONG_AGO + timedelta(weeks=week)
        meeting = schedule.materialize(schedule.find(group, _key(small.series, day)))
        if week % 9 == 8:
            meeting.cancelled = True
            continue
        if week % 5 == 0:
            meeting.start = datetime.combine(day + timedelta(days=1), time(18))
            meeting.location = f"Salle {week}"
        for role in role_list[:3]:
            holder = newcomers[(week + role.position) % MORE_MEMBERS].id
            db.session.add(
                RoleAssignment(
                    meeting_id=meeting.id,
                    role_type_id=role.id,
                    slot=0,
                    membership_id=holder,
                    exclusive_holder=holder,
                )
            )
        if week % 3 != 2:
            db.session.add(
                AttendanceRecord(meeting_id=meeting.id, participants=8 + week % 5, newcomers=1)
            )
    db.session.commit()
    # An older series, ended: a monthly meeting through 2024, one headcount a quarter.
    ended = schedule.create_series(
        group,
        camille,
        schedule.SeriesData(
            start_date=date(2024, 1, 11),
            start_time=time(19),
            duration_minutes=120,
            rule=Rule(MONTHLY, byday=("TH",), setpos=2, until=date(2024, 12, 31)),
        ),
    )
    for occurrence in schedule.occurrences([group.id], date(2024, 1, 1), date(2024, 12, 31)):
        if occurrence.series is ended and occurrence.start.month % 3 == 0:
            meeting = schedule.materialize(occurrence)
            db.session.add(AttendanceRecord(meeting_id=meeting.id, participants=6, newcomers=0))
    db.session.commit()
    for month in range(1, 8):
        meeting = schedule.create_one_off(
            group,
            camille,
            schedule.MeetingData(start=datetime(2026, month, 10, 10), duration_minutes=60),
        )
        occurrence = schedule.find(group, f"m{meeting.id}")
        _give(group, camille, occurrence, role_list[3], 0, newcomers[month])
        attendance.record(group, mine, schedule.find(group, occurrence.key), 5, 0, NOW)
    # Coming meetings fill up too: roles, answers, and swaps offered to Camille.
    for week in range(3, 9):
        key = _key(small.series, SERIES_START + timedelta(weeks=week))
        for slot, role in enumerate(role_list[2:5]):
            holder = newcomers[(week * 3 + slot) % MORE_MEMBERS]
            assignment = _give(group, camille, schedule.find(group, key), role, 0, holder)
            if slot == 0 and week != 3:  # Camille holds a role on 25 August
                roles.propose_swap(group, holder, assignment, mine, None, NOW)
    coming = small.values["coming"]
    for membership in newcomers:
        attendance.set_intention(group, membership.user, schedule.find(group, coming), True, NOW)


def cold_count(client, path: str) -> int:
    """The statements of a page rendered afresh: the cached parts of pages and
    the cached calendars are cleared first (tests/test_read_path.py checks what
    the caches spare and that a change is seen through them)."""
    cache.clear()
    return count_queries(client, path)


def page(name: str, reader: str, path: str, statements: int):
    """A page to count, read by ``reader``, pinned at ``statements``."""
    return pytest.param(reader, path, statements, id=name)


PAGES = [
    # One of them: the reader's welcome pairings, with names and what is new.
    page("group page, co-responsible", "camille", "/groups/{group}", 5),
    page("group page, member", "ana", "/groups/{group}", 5),
    page("members", "camille", "/groups/{group}/members", 3),
    page("fairness", "camille", "/groups/{group}/roles/fairness", 5),
    page("coming meetings", "camille", "/groups/{group}/meetings", 6),
    page("past meetings", "camille", "/groups/{group}/meetings/past", 5),
    # A reader holding a role there: one more, whether it is their first time in it.
    page("a meeting, co-responsible", "camille", "/groups/{group}/meetings/{coming}", 13),
    page("a meeting, member", "ana", "/groups/{group}/meetings/{coming}", 12),
    page("a past meeting's headcount form", "camille", "/groups/{group}/meetings/{past}", 12),
    page("attendance figures", "camille", "/groups/{group}/attendance", 5),
    page("attendance report", "camille", "/groups/{group}/attendance/report", 5),
    page("my roles", "ana", "/groups/{group}/roles", 5),
    page("roles, co-responsible with swaps", "camille", "/groups/{group}/roles", 5),
    page("swap", "camille", "/groups/{group}/assignments/{held}/swap", 9),
    page("a swap request", "camille", "/groups/{group}/swaps/{swap}", 8),
    page("when I am away", "camille", "/groups/{group}/away", 4),
    page("fair fill", "camille", "/groups/{group}/roles/fill", 9),
    page("after a fair fill", "camille", "/groups/{group}/roles/filled", 11),
    # Three times the default eight meetings: one statement for all their roles.
    page(
        "after a fair fill of 24 meetings", "camille", "/groups/{group}/roles/filled?count=24", 11
    ),
    page("invitations", "camille", "/groups/{group}/invitations", 3),
    page("audit trail", "camille", "/groups/{group}/audit", 4),
    page("messages", "camille", "/groups/{group}/messages", 3),
    # The health signals: the meetings around today (3) and the signals (3).
    page("settings", "camille", "/groups/{group}/settings", 8),
    page("calendar links", "camille", "/groups/{group}/calendar", 4),
    page("welcome", "ana", "/groups/{group}/welcome", 8),
    page("welcoming newcomers, co-responsible", "camille", "/groups/{group}/welcoming", 9),
    page("welcoming newcomers, newcomer", "ana", "/groups/{group}/welcoming", 3),
    # Read, then marked as read (one UPDATE and its commit).
    page("a welcome conversation", "camille", "/groups/{group}/welcoming/{pairing}", 7),
    page("charter, member who must read it", "ana", "/groups/{group}/charter", 4),
    page(
        "charter, co-responsible with who has not read it", "camille", "/groups/{group}/charter", 6
    ),
    page("charter's versions", "camille", "/groups/{group}/charter/versions", 3),
    page(
        "a version of the charter",
        "camille",
        "/groups/{group}/charter/versions/{charter_version}",
        3,
    ),
    page("changing the charter", "camille", "/groups/{group}/charter/edit", 3),
    # Full GETs, without If-None-Match, as Google polls.
    page("group feed", "camille", "/feeds/{group_feed}.ics", 4),
    page("personal feed", "camille", "/feeds/{personal_feed}.ics", 5),
]


@pytest.mark.parametrize(("reader", "path", "expected"), PAGES)
def test_a_page_runs_as_many_statements_for_a_large_group_as_for_a_small_one(
    client, login, small, make_user, reader, path, expected
):
    login(getattr(small, reader))
    path = path.format(**small.values)
    client.get(path)  # seen once already: a feed is marked used once an hour
    before = cold_count(client, path)
    _grow(small, make_user)
    client.get(path)
    after = cold_count(client, path)
    assert after == before, f"{before} statements for the small group, {after} for the large"
    assert before == expected


def test_the_dashboard_runs_as_many_statements_for_four_groups_as_for_one(
    client, login, small, make_user, make_group, weekly_series
):
    camille = small.camille
    login(camille)
    client.get("/")
    before = cold_count(client, "/")
    for n in range(3):
        group = make_group(camille, name=f"Groupe {n}", canton="GE")
        attendance.enable(group, camille)
        series = weekly_series(group, start=date(2026, 8, 27), weekday="TH")
        coming = schedule.find(group, f"s{series.id}-202608271900")
        role = db.session.scalars(roles.role_types(group)).first()
        roles.assign(group, camille, coming, role, 0, _membership(camille, group), NOW)
    _grow(small, make_user)
    after = cold_count(client, "/")
    assert (before, after) == (9, 9)  # the 9th: the groups whose charter to read
