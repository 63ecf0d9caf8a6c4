"""Rooms a self-help centre lends to its groups: the staff declare them, a
group attached to the centre picks one as the place of a series (its weekly
booking) or of a one-off meeting, clashes are computed before saving, and a
booking lasts a year unless the group confirms it again.

Clashes are warnings, never refusals: two co-responsibles of two groups
saving the same slot at the same moment both save (each saw no clash, or
chose to use the room anyway); the staff see the clash on the room's page.

Privacy: what a group's co-responsibles learn of a clash is dates and times,
never the other group; what the staff see is each meeting's time and the
group's public name (its directory's neutral title when it set one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.models import (
    Centre,
    Group,
    Meeting,
    MeetingSeries,
    Membership,
    Room,
    StaffAction,
    User,
)
from facilitator.models._common import MAX_ID
from facilitator.services import audit, centres, clock, groups, mail, notifications, schedule
from facilitator.services.charter import a_year_after
from facilitator.services.directory import public_name
from facilitator.services.errors import DomainError, NotFound
from facilitator.services.schedule import Occurrence

SWISS_TIME = ZoneInfo("Europe/Zurich")
CLASH_DAYS = 366  # clashes are looked for over the coming 12 months
ROOM_PAGE_DAYS = 8 * 7  # the room's page shows the coming 8 weeks
REMIND_DAYS = 30  # co-responsibles are asked to confirm from 30 days before the end
FREED_SHOWN_DAYS = 60  # the rooms page lists the bookings freed in the last 60 days


# --- The centre's rooms (staff) -------------------------------------------------------------


@dataclass
class RoomData:
    name: str
    address: str = ""
    capacity: int | None = None
    notes: str = ""


def rooms_of(centre: Centre) -> Sequence[Room]:
    """The centre's rooms, those in use first, each part by name."""
    return db.session.scalars(
        select(Room).where(Room.centre_id == centre.id).order_by(Room.retired, Room.name, Room.id)
    ).all()


def room_in(centre: Centre, room_id: int) -> Room:
    """The centre's room ``room_id``; NotFound for another centre's."""
    room = db.session.get(Room, room_id) if 0 < room_id <= MAX_ID else None
    if room is None or room.centre_id != centre.id:
        raise NotFound()
    return room


def add_room(centre: Centre, actor: User | None, data: RoomData) -> Room:
    room = Room(
        centre_id=centre.id,
        name=data.name,
        address=data.address,
        capacity=data.capacity,
        notes=data.notes,
        retired=False,
    )
    db.session.add(room)
    db.session.flush()
    centres.record(centre, actor, "room_added", room=room.id, name=room.name)
    return room


def change_room(room: Room, actor: User, data: RoomData) -> None:
    """Change a room's details. The place text of the series that use it
    follows its new name and address (members see where they meet)."""
    old_place = room.place
    room.name, room.address, room.capacity, room.notes = (
        data.name,
        data.address,
        data.capacity,
        data.notes,
    )
    if room.place != old_place:
        for series in db.session.scalars(
            select(MeetingSeries).where(MeetingSeries.room_id == room.id)
        ):
            if series.location == old_place:
                series.location = room.place
                series.sequence += 1
                series.group.version += 1
        for meeting in db.session.scalars(select(Meeting).where(Meeting.room_id == room.id)):
            if meeting.location == old_place:  # a one-off, or a meeting moved into it
                meeting.location = room.place
                meeting.sequence += 1
                meeting.group.version += 1
    centres.record(room.centre, actor, "room_changed", room=room.id, name=room.name)


def retire_room(room: Room, actor: User) -> int:
    """Retire a room: no longer offered, its bookings freed (each group's
    history says so, under the centre's name; the meetings keep their place
    text). Returns how many series were freed."""
    if room.retired:
        return 0
    room.retired = True
    freed = 0
    told: set[int] = set()
    for series in _bookings(room.id):
        _free(series)
        centres.staff_did(series.group, room.centre, actor, "room_retired", room=room.name)
        told.add(series.group_id)
        freed += 1
    # Single meetings in the room: freed too, each group told once.
    for meeting in db.session.scalars(select(Meeting).where(Meeting.room_id == room.id)):
        meeting.room_id = None
        if meeting.group_id not in told:
            centres.staff_did(meeting.group, room.centre, actor, "room_retired", room=room.name)
            told.add(meeting.group_id)
    centres.record(room.centre, actor, "room_retired_by_staff", room=room.id, name=room.name)
    return freed


def _bookings(room_id: int) -> list[MeetingSeries]:
    return list(db.session.scalars(select(MeetingSeries).where(MeetingSeries.room_id == room_id)))


def _free(series: MeetingSeries) -> None:
    series.room_id = None
    series.room_confirmed_until = None
    series.room_reminded_for = None


# --- Which meetings are in a room, and clashes ----------------------------------------------


def in_room(occurrence: Occurrence, room_id: int) -> bool:
    """Whether a meeting takes place in the room: a one-off booked in it, or
    an occurrence of a series booked in it whose place was not changed."""
    if occurrence.series is None:
        return occurrence.meeting is not None and occurrence.meeting.room_id == room_id
    if occurrence.series.room_id != room_id:
        return False
    return occurrence.meeting is None or occurrence.meeting.location is None


def room_meetings(room_id: int, first: date, last: date) -> list[Occurrence]:
    """The meetings (not cancelled) of every group in the room whose start
    lies in [first, last], in order."""
    users = select(MeetingSeries.group_id).where(MeetingSeries.room_id == room_id)
    one_offs = select(Meeting.group_id).where(Meeting.room_id == room_id)
    group_ids = set(db.session.scalars(users.union(one_offs)))
    return [
        o
        for o in schedule.occurrences(group_ids, first, last)
        if not o.cancelled and in_room(o, room_id)
    ]


Slot = tuple[datetime, datetime]  # start and end, aware (UTC)


def _slot(start: datetime, duration: timedelta, timezone: str) -> Slot:
    begin = rec.to_aware(start, timezone).astimezone(UTC)
    end = rec.to_aware(start + duration, timezone).astimezone(UTC)
    return begin, end


def series_slots(data: schedule.SeriesData, first: date, timezone: str, today: date) -> list[Slot]:
    """The times of a series not yet saved over the coming 12 months (each
    date's local time made absolute on its own: a change of daylight saving
    time moves no meeting's wall-clock time)."""
    duration = timedelta(minutes=data.duration_minutes)
    return [
        _slot(datetime.combine(day, data.start_time), duration, timezone)
        for day in rec.dates(data.rule, first, today, today + timedelta(days=CLASH_DAYS))
    ]


def meeting_slot(start: datetime, duration_minutes: int, timezone: str) -> list[Slot]:
    return [_slot(start, timedelta(minutes=duration_minutes), timezone)]


def clashes(room_id: int, slots: Iterable[Slot], group_id: int, today: date) -> list[Occurrence]:
    """Other groups' meetings in the room (coming 12 months) that overlap one
    of ``slots``, in order."""
    wanted = sorted(slots)
    if not wanted:
        return []
    others = [
        o
        for o in room_meetings(room_id, today, today + timedelta(days=CLASH_DAYS))
        if o.group_id != group_id
    ]
    return [o for o in others if _overlaps(o.start_utc, o.end_utc, wanted)]


def series_clashes(
    room: Room | None, data: schedule.SeriesData, first: date, group: Group, today: date
) -> list[Occurrence]:
    """Other groups' meetings in ``room`` that a series planned from
    ``first`` would overlap (none without a room)."""
    if room is None:
        return []
    return clashes(room.id, series_slots(data, first, group.timezone, today), group.id, today)


def meeting_room(
    group: Group,
    data: schedule.MeetingData,
    timezone: str,
    occurrence: Occurrence | None,
    picked: Room | None,
) -> tuple[Room | None, list[Occurrence]]:
    """The room a meeting being planned or changed is in, and the other
    groups' meetings it would overlap there: a one-off is in the room
    ``picked`` (whose place becomes the meeting's); a meeting of a series
    stays in the series' room while it keeps the series' place."""
    if occurrence is not None and occurrence.series is not None:
        series = occurrence.series
        room = series.room if data.location == series.location else None
    else:
        room = picked
        if room is not None:
            data.location = room.place
    if room is None:
        return None, []
    slot = meeting_slot(data.start, data.duration_minutes, timezone)
    return room, clashes(room.id, slot, group.id, clock.today(timezone))


def _overlaps(start: datetime, end: datetime, slots: list[Slot]) -> bool:
    return any(begin < end and start < finish for begin, finish in slots)


# --- A group's bookings ---------------------------------------------------------------------


def offered(group: Group) -> Sequence[Room]:
    """The rooms a group may pick: those of its centre in use, by name."""
    if group.centre_id is None:
        return []
    return db.session.scalars(
        select(Room)
        .where(Room.centre_id == group.centre_id, Room.retired.is_(False))
        .order_by(Room.name, Room.id)
    ).all()


def pick(group: Group, room_id: int | None) -> Room | None:
    """The room a co-responsible picked (None: none); a room that is not one
    the group may pick is a DomainError at the field."""
    if not room_id:
        return None
    room = db.session.get(Room, room_id) if 0 < room_id <= MAX_ID else None
    if room is None or room.retired or room.centre_id != group.centre_id:
        raise DomainError(_l("Choose one of the rooms shown."), field="room")
    return room


def book(
    series: MeetingSeries, room: Room | None, today: date, previous: MeetingSeries | None = None
) -> None:
    """Put a series in ``room`` (or in none), for a year from ``today``; a
    series that continues ``previous`` in the same room keeps its booking's
    end."""
    if room is None:
        _free(series)
        return
    if previous is not None and previous.room_id == room.id and previous.room_confirmed_until:
        series.room_confirmed_until = previous.room_confirmed_until
        series.room_reminded_for = previous.room_reminded_for
    elif series.room_id != room.id or series.room_confirmed_until is None:
        series.room_confirmed_until = a_year_after(today)
        series.room_reminded_for = None
    series.room_id = room.id


def place_meeting(meeting: Meeting, room: Room | None) -> None:
    meeting.room_id = room.id if room is not None else None


def _current_bookings(group_id: int | None, today: date) -> list[MeetingSeries]:
    query = select(MeetingSeries).where(
        MeetingSeries.room_id.is_not(None),
        or_(MeetingSeries.until.is_(None), MeetingSeries.until >= today),
    )
    if group_id is not None:
        query = query.where(MeetingSeries.group_id == group_id)
    return list(db.session.scalars(query.order_by(MeetingSeries.group_id, MeetingSeries.id)))


def due(group: Group, today: date) -> list[MeetingSeries]:
    """The group's bookings to confirm now (ending within 30 days), one per
    room."""
    found: dict[int | None, MeetingSeries] = {}
    for series in _current_bookings(group.id, today):
        end = series.room_confirmed_until
        if end is not None and end - timedelta(days=REMIND_DAYS) <= today:
            found.setdefault(series.room_id, series)
    return list(found.values())


def due_for(group: Group, membership: Membership, today: date) -> list[MeetingSeries]:
    """``due`` for a co-responsible member of a group attached to a centre
    (no statement otherwise)."""
    if group.centre_id is None or not membership.is_coresponsible:
        return []
    return due(group, today)


def confirm(group: Group, actor: User, series: MeetingSeries, today: date) -> bool:
    """Confirm the group still uses the series' room, for a year after the
    booking's end (its other series in the room too). False, with nothing
    changed, when it is not due (confirmed a moment ago, or no room)."""
    room_id = series.room_id
    end = series.room_confirmed_until
    if room_id is None or end is None or end - timedelta(days=REMIND_DAYS) > today:
        return False
    new_end = a_year_after(max(end, today))
    for other in _current_bookings(group.id, today):
        if other.room_id == room_id:
            other.room_confirmed_until = new_end
    audit.record(group, actor, "room_confirmed", room=series.room.name if series.room else "")
    return True


def has_bookings(group: Group) -> bool:
    """Whether the group has a room of its centre for a series or a meeting."""
    series = select(MeetingSeries.id).where(
        MeetingSeries.group_id == group.id, MeetingSeries.room_id.is_not(None)
    )
    meetings = select(Meeting.id).where(Meeting.group_id == group.id, Meeting.room_id.is_not(None))
    return db.session.scalar(select(series.exists() | meetings.exists())) or False


def free_group(group: Group) -> int:
    """Free every booking of a group (it leaves its centre); how many series."""
    booked = list(
        db.session.scalars(
            select(MeetingSeries).where(
                MeetingSeries.group_id == group.id, MeetingSeries.room_id.is_not(None)
            )
        )
    )
    for series in booked:
        _free(series)
    db.session.execute(
        update(Meeting)
        .where(Meeting.group_id == group.id, Meeting.room_id.is_not(None))
        .values(room_id=None)
    )
    return len(booked)


# --- The daily job: reminders, and bookings freed at their end -----------------------------


@dataclass
class JobReport:
    reminded: int = 0  # emails to co-responsibles
    freed: int = 0  # bookings freed (each told once to the centre)


def run_daily(now: datetime, link_for: Callable[[Group], str]) -> JobReport:
    """Ask the co-responsibles (once per booking end) to confirm a booking
    that ends within 30 days; free the bookings that ended unconfirmed (the
    group's history and the centre's rooms page say so; one email to the
    centre's address). Running it twice the same day does nothing more. The
    caller commits. ``now``: aware; its day in Switzerland counts."""
    today = now.astimezone(SWISS_TIME).date()
    report = JobReport()
    reminded: set[tuple[int, int]] = set()
    freed: set[tuple[int, int]] = set()
    for series in _current_bookings(None, today):
        end = series.room_confirmed_until
        room = series.room
        if end is None or room is None:
            continue
        if end <= today:
            # A series changed from a date on continues in a new one: one
            # booking, told once.
            told = (series.group_id, room.id) in freed
            freed.add((series.group_id, room.id))
            _expire(series, room, now, tell=not told)
            report.freed += not told
        elif end - timedelta(days=REMIND_DAYS) <= today and series.room_reminded_for != end:
            series.room_reminded_for = end
            if (series.group_id, room.id) in reminded:
                continue
            reminded.add((series.group_id, room.id))
            report.reminded += _remind(series, room, end, link_for(series.group))
    return report


def _remind(series: MeetingSeries, room: Room, end: date, link: str) -> int:
    group = series.group
    sent = 0
    for user in groups.member_users(group, coresponsible=True):
        notifications.deliver(
            user,
            _confirm_subject(room.name),
            "mail/room_confirm.txt",
            group=group,
            room=room,
            end=end,
            link=link,
        )
        sent += 1
    return sent


def _confirm_subject(room: str) -> Callable[[], str]:
    return lambda: _("Confirm that you still use %(room)s", room=room)


def _expire(series: MeetingSeries, room: Room, now: datetime, tell: bool = True) -> None:
    group = series.group
    centre = room.centre
    _free(series)
    if not tell:
        return
    audit.record(group, None, "room_freed", centre=centre.name, room=room.name)
    centres.record(centre, None, "room_freed", group, room=room.id, name=room.name).created_at = now
    if centre.contact_email:
        mail.send_template(
            centre.contact_email,
            (centre.languages or ["fr"])[0],
            lambda: _("A room booking was not confirmed: %(room)s is free", room=room.name),
            "mail/room_freed.txt",
            centre=centre,
            room=room,
            group_name=public_name(group),
            series=series,
        )


# --- The staff's view of a room -------------------------------------------------------------


@dataclass
class RoomMeeting:
    occurrence: Occurrence
    group_name: str
    clash: bool


def room_page(room: Room, today: date) -> list[RoomMeeting]:
    """The coming 8 weeks of meetings in the room, each with its group's
    public name and whether it overlaps another group's meeting."""
    found = room_meetings(room.id, today, today + timedelta(days=ROOM_PAGE_DAYS))
    names = {
        g.id: public_name(g)
        for g in db.session.scalars(select(Group).where(Group.id.in_({o.group_id for o in found})))
    }
    rows = []
    for o in found:
        clash = any(
            other.group_id != o.group_id
            and other.start_utc < o.end_utc
            and o.start_utc < other.end_utc
            for other in found
        )
        rows.append(RoomMeeting(o, names.get(o.group_id, ""), clash))
    return rows


@dataclass
class Freed:
    when: datetime
    room: str
    group_name: str


def recently_freed(centre: Centre, now: datetime) -> list[Freed]:
    """The bookings freed (not confirmed) in the last 60 days, newest first;
    the group's name only while it is still attached to the centre."""
    rows = db.session.scalars(
        select(StaffAction)
        .where(
            StaffAction.centre_id == centre.id,
            StaffAction.action == "room_freed",
            StaffAction.created_at >= now - timedelta(days=FREED_SHOWN_DAYS),
        )
        .order_by(StaffAction.created_at.desc(), StaffAction.id.desc())
    ).all()
    return [
        Freed(
            row.created_at,
            str(row.details.get("name", "")),
            public_name(row.group) if row.group and row.group.centre_id == centre.id else "",
        )
        for row in rows
    ]


def usage(centre: Centre, today: date) -> dict[int, int]:
    """How many groups use each of the centre's rooms (series or one-offs to come)."""
    counts: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(MeetingSeries.room_id, MeetingSeries.group_id)
        .join(Room, Room.id == MeetingSeries.room_id)
        .where(
            Room.centre_id == centre.id,
            or_(MeetingSeries.until.is_(None), MeetingSeries.until >= today),
        )
    ).all()
    one_offs = db.session.execute(
        select(Meeting.room_id, Meeting.group_id)
        .join(Room, Room.id == Meeting.room_id)
        .where(
            Room.centre_id == centre.id,
            Meeting.start >= datetime.combine(today, time.min),
            Meeting.cancelled.is_(False),
        )
    ).all()
    for room_id, group_id in [*rows, *one_offs]:
        assert room_id is not None  # joined to its room
        counts.setdefault(room_id, set()).add(group_id)
    return {room_id: len(ids) for room_id, ids in counts.items()}
