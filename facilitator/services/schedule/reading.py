"""Reading the schedule: the series of the requested groups expanded over a
bounded window, merged with the stored Meetings (overrides and one-offs);
the meetings to come, the past ones, and one occurrence by its URL key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, or_, select

from facilitator.domain import keys
from facilitator.domain import recurrence as rec
from facilitator.domain.keys import key_from, series_key
from facilitator.extensions import db
from facilitator.models import Group, Meeting, MeetingSeries
from facilitator.services import lookup
from facilitator.services.errors import NotFound

UPCOMING_DAYS = 183
SHORT_WINDOW_DAYS = 42


@dataclass
class Occurrence:
    """One meeting as members see it: a series occurrence or a one-off."""

    group_id: int
    series: MeetingSeries | None
    meeting: Meeting | None
    original_start: datetime | None
    start: datetime
    duration: timedelta
    timezone: str
    title: str
    location: str
    note: str
    cancelled: bool = False
    cancel_reason: str = ""
    holiday: str | None = field(default=None)

    @property
    def key(self) -> str:
        if self.series is not None:
            assert self.original_start is not None  # a series' meetings have one
            return series_key(self.series.id, self.original_start)
        assert self.meeting is not None  # a one-off is stored
        return keys.one_off_key(self.meeting.id)

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def moved(self) -> bool:
        return self.original_start is not None and self.start != self.original_start

    @property
    def start_utc(self) -> datetime:
        return rec.to_aware(self.start, self.timezone).astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return rec.to_aware(self.end, self.timezone).astimezone(UTC)

    @property
    def start_aware(self) -> datetime:
        return rec.to_aware(self.start, self.timezone)

    @property
    def original_aware(self) -> datetime | None:
        if self.original_start is None:
            return None
        return rec.to_aware(self.original_start, self.timezone)


def _from_series(series: MeetingSeries, original: datetime, meeting: Meeting | None) -> Occurrence:
    occurrence = Occurrence(
        group_id=series.group_id,
        series=series,
        meeting=meeting,
        original_start=original,
        start=original,
        duration=series.duration,
        timezone=series.timezone,
        title=series.title,
        location=series.location,
        note=series.note,
    )
    if meeting is not None:
        _overlay(occurrence, meeting)
    return occurrence


def _overlay(occurrence: Occurrence, meeting: Meeting) -> None:
    occurrence.start = meeting.start
    if meeting.duration_minutes is not None:
        occurrence.duration = timedelta(minutes=meeting.duration_minutes)
    if meeting.location is not None:
        occurrence.location = meeting.location
    if meeting.title is not None:
        occurrence.title = meeting.title
    if meeting.note:
        occurrence.note = meeting.note
    occurrence.cancelled = meeting.cancelled
    occurrence.cancel_reason = meeting.cancel_reason


def _from_meeting(meeting: Meeting) -> Occurrence:
    return Occurrence(
        group_id=meeting.group_id,
        series=None,
        meeting=meeting,
        original_start=None,
        start=meeting.start,
        duration=timedelta(minutes=meeting.duration_minutes or 0),
        timezone=meeting.timezone,
        title=meeting.title or "",
        location=meeting.location or "",
        note=meeting.note or "",
        cancelled=meeting.cancelled,
        cancel_reason=meeting.cancel_reason,
    )


def series_of(
    group_ids: Iterable[int], window_start: date | None = None, window_end: date | None = None
) -> Select[MeetingSeries]:
    query = select(MeetingSeries).where(MeetingSeries.group_id.in_(group_ids))
    if window_end is not None:
        query = query.where(MeetingSeries.start_date <= window_end)
    if window_start is not None:
        query = query.where(or_(MeetingSeries.until.is_(None), MeetingSeries.until >= window_start))
    return query.order_by(MeetingSeries.start_date, MeetingSeries.id)


def series_in(group: Group, series_id: int) -> MeetingSeries:
    """The group's series ``series_id``; NotFound for a missing one or another group's."""
    return lookup.owned(MeetingSeries, series_id, group_id=group.id)


def current_series(group: Group, today: date) -> list[MeetingSeries]:
    """The group's series that have not ended before ``today``, by start."""
    return list(db.session.scalars(series_of([group.id], today, None)))


ARCHIVE_YEARS_BEFORE_CREATION = 3


def archive_start(group: Group) -> date:
    """The first day the archive of past meetings looks at: three years before
    the group was created (meetings entered afterwards), or its first series'
    start if that is earlier."""
    since = group.created_at.date() - timedelta(days=ARCHIVE_YEARS_BEFORE_CREATION * 366)
    first = db.session.scalar(
        select(MeetingSeries.start_date)
        .where(MeetingSeries.group_id == group.id)
        .order_by(MeetingSeries.start_date)
        .limit(1)
    )
    return since if first is None else min(since, first)


def occurrences(group_ids: Iterable[int], window_start: date, window_end: date) -> list[Occurrence]:
    """All meetings of the groups whose start lies in [window_start, window_end]
    (local dates), cancelled ones included, in order. Two queries in all."""
    group_ids = list(group_ids)
    if not group_ids:
        return []
    low = datetime.combine(window_start, time.min)
    high = datetime.combine(window_end + timedelta(days=1), time.min)
    series_list = db.session.scalars(series_of(group_ids, window_start, window_end)).all()
    stored = db.session.scalars(
        select(Meeting).where(
            Meeting.group_id.in_(group_ids),
            or_(
                and_(Meeting.start >= low, Meeting.start < high),
                and_(Meeting.original_start >= low, Meeting.original_start < high),
            ),
        )
    ).all()
    by_key = {(m.series_id, m.original_start): m for m in stored if m.series_id is not None}
    result: list[Occurrence] = []
    seen = set()
    for series in series_list:
        for day in rec.dates(series.rule, series.start_date, window_start, window_end):
            original = datetime.combine(day, series.start_time)
            meeting = by_key.get((series.id, original))
            seen.add((series.id, original))
            occurrence = _from_series(series, original, meeting)
            if low <= occurrence.start < high:
                result.append(occurrence)
    series_by_id = {s.id: s for s in series_list}
    for meeting in stored:
        if meeting.series_id is None:
            if low <= meeting.start < high:
                result.append(_from_meeting(meeting))
        elif (
            meeting.series_id,
            meeting.original_start,
        ) not in seen and low <= meeting.start < high:
            # Moved into the window from a date outside it.
            moved_from = series_by_id.get(meeting.series_id) or meeting.series
            assert moved_from is not None and meeting.original_start is not None
            if rec.occurs_on(moved_from.rule, moved_from.start_date, meeting.original_start.date()):
                result.append(_from_series(moved_from, meeting.original_start, meeting))
    result.sort(key=lambda o: (o.start_utc, o.group_id, o.key))
    return result


def upcoming(
    group_ids: Iterable[int], now: datetime, limit: int | None = 10, days: int = UPCOMING_DAYS
) -> list[Occurrence]:
    """The next meetings (not yet over) of the groups, cancelled ones included.

    With a limit, a short window is tried first: most groups meet at least
    monthly, so the next few meetings rarely need half a year of expansion.
    """
    today = now.date()
    short = max(SHORT_WINDOW_DAYS, 7 * limit + 7) if limit else days
    windows = (min(short, days), days) if limit else (days,)
    for window in windows:
        found = [
            o
            for o in occurrences(
                group_ids, today - timedelta(days=1), today + timedelta(days=window)
            )
            if o.end_utc > now
        ]
        if limit and len(found) >= limit:
            return found[:limit]
    return found[:limit] if limit else found


def past(group_ids: Iterable[int], now: datetime, since: date) -> list[Occurrence]:
    """Meetings that are over, newest first."""
    today = now.date()
    found = [
        o for o in occurrences(group_ids, since, today + timedelta(days=1)) if o.end_utc <= now
    ]
    found.reverse()
    return found


def key_of(meeting: Meeting) -> str:
    """The URL key of a stored meeting (as ``Occurrence.key`` gives it)."""
    return key_from(meeting.id, meeting.series_id, meeting.original_start)


def find(group: Group, key: str) -> Occurrence:
    """The occurrence behind a URL key, or NotFound."""
    try:
        parsed = keys.parse(key)
    except keys.BadKey as exc:
        raise NotFound() from exc
    if isinstance(parsed, keys.OneOffKey):
        meeting = lookup.get(Meeting, parsed.meeting_id)
        if meeting is None or meeting.group_id != group.id or meeting.series_id is not None:
            raise NotFound()
        return _from_meeting(meeting)
    original = parsed.original_start
    series = lookup.get(MeetingSeries, parsed.series_id)
    if series is None or series.group_id != group.id or original.time() != series.start_time:
        raise NotFound()
    if not rec.occurs_on(series.rule, series.start_date, original.date()):
        raise NotFound()
    meeting = db.session.scalar(
        select(Meeting).where(Meeting.series_id == series.id, Meeting.original_start == original)
    )
    return _from_series(series, original, meeting)
