"""The meetings of many groups around today, for pages that list hundreds
of groups (the staff's group list, its health signals): three statements
for them all, plain rows, series expanded in memory over the window only.

The series that reach the window, the stored occurrences of those series
(by the (series, original start) index; an occurrence moved into the window
by more than ``MOVE_SLACK`` is not seen), and the one-off meetings of the
window.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, or_, select

from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.models import Meeting, MeetingSeries

# The weeks around today that the lists look at.
WINDOW = timedelta(weeks=8)
MOVE_SLACK = timedelta(weeks=4)

# A meeting's local start, and the stored meeting's id (None: an occurrence
# of a series that is not stored).
Start = tuple[datetime, int | None]


def starts_between(
    group_ids: Select, first: date, last: date, ids_from: datetime | None = None
) -> dict[int, list[Start]]:
    """The local start (and stored id) of every meeting not cancelled
    between ``first`` and ``last`` (local dates), by group: series expanded
    and merged with the stored meetings. Three statements, plain rows (no
    objects).

    With ``ids_from`` (a local time), the stored occurrences of a series
    that start before it as planned (neither moved nor cancelled: most past
    meetings, stored for their headcount) are not read: they are given by
    the series, without their id."""
    low = datetime.combine(first, time.min)
    high = datetime.combine(last + timedelta(days=1), time.min)
    series = db.session.execute(
        select(
            MeetingSeries.id,
            MeetingSeries.group_id,
            MeetingSeries.start_date,
            MeetingSeries.start_time,
            MeetingSeries.freq,
            MeetingSeries.interval,
            MeetingSeries.byday,
            MeetingSeries.setpos,
            MeetingSeries.monthday,
            MeetingSeries.count.label("times"),
            MeetingSeries.until,
        ).where(
            MeetingSeries.group_id.in_(group_ids),
            MeetingSeries.start_date <= last,
            or_(MeetingSeries.until.is_(None), MeetingSeries.until >= first),
        )
    ).all()
    # The stored occurrences of these series, found by the (series, original
    # start) index; a meeting moved into the window comes from at most
    # MOVE_SLACK away.
    series_ids = select(MeetingSeries.id).where(MeetingSeries.group_id.in_(group_ids))
    columns = (Meeting.group_id, Meeting.series_id, Meeting.original_start, Meeting.start,
               Meeting.cancelled, Meeting.id)  # fmt: skip
    in_reach = select(*columns).where(
        Meeting.series_id.in_(series_ids),
        Meeting.original_start >= low - MOVE_SLACK,
        Meeting.original_start < high + MOVE_SLACK,
    )
    if ids_from is not None:
        in_reach = in_reach.where(
            or_(
                Meeting.cancelled,
                Meeting.start != Meeting.original_start,
                Meeting.original_start >= ids_from,
            )
        )
    stored = db.session.execute(in_reach).all()
    one_offs = db.session.execute(
        select(*columns).where(
            Meeting.series_id.is_(None),
            Meeting.group_id.in_(group_ids),
            Meeting.start >= low,
            Meeting.start < high,
        )
    ).all()
    # Plain tuples from here on: 600 groups make some ten thousand occurrences.
    overrides = {(sid, original): (start, cancelled, mid)
                 for _gid, sid, original, start, cancelled, mid in stored if sid is not None}  # fmt: skip
    found: dict[int, list[Start]] = {}
    seen = set()
    for s in series:
        (sid, gid, start_date, start_time, freq, interval, byday, setpos, monthday, times,
         until) = s  # fmt: skip
        rule = rec.Rule.stored(freq, interval, byday, setpos, monthday, times, until)
        starts = found.setdefault(gid, [])
        for day in rec.dates(rule, start_date, first, last):
            original = datetime.combine(day, start_time)
            seen.add((sid, original))
            override = overrides.get((sid, original))
            if override is None:
                starts.append((original, None))
            elif not override[1]:
                starts.append((override[0], override[2]))
    for m in [*stored, *one_offs]:
        if m.cancelled or not low <= m.start < high:
            continue
        if m.series_id is None or (m.series_id, m.original_start) not in seen:
            found.setdefault(m.group_id, []).append((m.start, m.id))
    return found
