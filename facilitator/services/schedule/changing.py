"""Changing the schedule: series and one-off meetings created, a meeting
cancelled, restored, moved or annotated, a series paused, ended or
changed from a date on, and what such a change would do before it is made.

Every change bumps the group's ``version`` (feeds use it for ETags) and is
written to the audit trail in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select

from facilitator.domain import recurrence as rec
from facilitator.extensions import db
from facilitator.models import Group, Meeting, MeetingSeries, User
from facilitator.services import audit
from facilitator.services.errors import DomainError, NotFound
from facilitator.services.schedule.reading import Occurrence, _from_series
from facilitator.services.sql import insert_or_get


class ScheduleError(DomainError):
    """A schedule change that cannot be made; ``code`` says why."""

    def __init__(self, code: str, field: str | None = None):
        from facilitator.services.schedule_messages import message_for

        super().__init__(message_for(code), field=field)
        self.code = code


class OffRhythm(ScheduleError):
    """The first meeting chosen is not a day of the chosen rhythm (a Wednesday
    for a Tuesday series). ``suggestions``: nearby days that are."""

    def __init__(self, rule: rec.Rule, day: date, suggestions: list[date]):
        super().__init__("off_rhythm", field="start_date")
        self.rule = rule
        self.day = day
        self.suggestions = suggestions


@dataclass
class SeriesData:
    """What a co-responsible enters for a series, already parsed."""

    start_date: date
    start_time: time
    duration_minutes: int
    rule: rec.Rule
    location: str = ""
    title: str = ""
    note: str = ""


@dataclass
class MeetingData:
    """A one-off meeting, or the new values of one occurrence."""

    start: datetime  # local wall time
    duration_minutes: int
    location: str = ""
    title: str = ""
    note: str = ""


def preview(data: SeriesData, limit: int = 8) -> list[datetime]:
    """The first occurrences of a series not yet saved."""
    rule = data.rule
    first = rec.first_date(rule, data.start_date)
    found = []
    for day in rec.dates(rule, first, first, rec.horizon(first)):
        found.append(datetime.combine(day, data.start_time))
        if len(found) >= limit:
            break
    return found


def _touch(group: Group) -> None:
    group.version += 1


def check_series(data: SeriesData, exact: bool = False, today: date | None = None) -> date:
    """Check a series' rule; return its first date. ``exact``: the start date
    must itself be a day of the rhythm (the first meeting the person picked),
    else OffRhythm names the closest days that are (not before ``today``)."""
    try:
        rec.check(data.rule, data.start_date)
        first = rec.first_date(data.rule, data.start_date)
    except rec.RecurrenceError as exc:
        raise ScheduleError(exc.code, field=exc.field) from exc
    if exact and first != data.start_date:
        raise OffRhythm(
            data.rule, data.start_date, suggest_starts(data.rule, data.start_date, today)
        )
    return first


def suggest_starts(rule: rec.Rule, day: date, today: date | None = None) -> list[date]:
    """Two days close to ``day`` on which a series of ``rule`` could start: the
    one before and the one after, or the two after when the one before is past."""
    before, after = rec.nearest_fits(rule, day)
    if before is not None and (today is None or before >= today):
        return [before, after]
    return [after, rec.nearest_fits(rule, after)[1]]


def _new_series(
    group: Group, data: SeriesData, first: date, timezone: str, previous_id: int | None = None
) -> MeetingSeries:
    series = MeetingSeries(
        group_id=group.id,
        previous_id=previous_id,
        title=data.title,
        location=data.location,
        note=data.note,
        start_date=first,
        start_time=data.start_time,
        duration_minutes=data.duration_minutes,
        timezone=timezone,
    )
    series.rule = data.rule
    db.session.add(series)
    db.session.flush()
    return series


def create_series(
    group: Group, actor: User, data: SeriesData, exact: bool = False, today: date | None = None
) -> MeetingSeries:
    first = check_series(data, exact, today)
    series = _new_series(group, data, first, group.timezone)
    _touch(group)
    audit.record(group, actor, "series_created", series=series.id, start=first.isoformat())
    return series


def create_one_off(group: Group, actor: User, data: MeetingData) -> Meeting:
    meeting = Meeting(
        group_id=group.id,
        start=data.start,
        timezone=group.timezone,
        duration_minutes=data.duration_minutes,
        location=data.location,
        title=data.title,
        note=data.note,
    )
    db.session.add(meeting)
    _touch(group)
    db.session.flush()
    audit.record(group, actor, "meeting_created", start=data.start.isoformat())
    return meeting


def materialize(occurrence: Occurrence) -> Meeting:
    """The stored Meeting of an occurrence, created (and flushed) if needed.

    Every first action on a meeting of a series stores its row here (a role
    taken, an answer, a headcount, a change, a cancellation). Two of them at
    the same moment both get the one row: the later insert meets the unique
    (series, original start) and reads the row the other stored. That row is
    as the other request left it: a caller that cares checks it (cancelled
    meanwhile?)."""
    return _stored(occurrence)[0]


def _stored(occurrence: Occurrence) -> tuple[Meeting, bool]:
    """``materialize``, and whether this call created the row."""
    if occurrence.meeting is not None:
        return occurrence.meeting, False
    assert occurrence.series is not None  # a one-off is always stored
    meeting, created = insert_or_get(
        Meeting(
            group_id=occurrence.group_id,
            series_id=occurrence.series.id,
            original_start=occurrence.original_start,
            start=occurrence.original_start,
            timezone=occurrence.timezone,
            cancelled=False,
            cancel_reason="",
        ),
        _row_of(occurrence.series, occurrence),
    )
    occurrence.meeting = meeting
    return meeting, created


def _row_of(series: MeetingSeries, occurrence: Occurrence) -> Select[Meeting]:
    """The statement that reads an occurrence's stored row."""
    return select(Meeting).where(
        Meeting.series_id == series.id, Meeting.original_start == occurrence.original_start
    )


def _save(group: Group, meeting: Meeting) -> None:
    """Keep a changed occurrence, or drop it when it equals its series again."""
    meeting.sequence = (meeting.sequence or 0) + 1
    if meeting.carries_nothing():
        db.session.delete(meeting)
    _touch(group)


def _exdates_changed(occurrence: Occurrence) -> None:
    """A series' cancelled dates are part of its calendar entry (EXDATE)."""
    if occurrence.series is not None:
        occurrence.series.sequence += 1


def _claim(occurrence: Occurrence) -> Meeting | None:
    """The stored Meeting of an occurrence, read afresh and locked for this
    transaction (created if needed). Two co-responsible members confirming
    the same cancellation or pause at the same moment are served one after
    the other, and the second sees what the first did: a series' row is
    locked first, since its occurrence may not be stored yet (PostgreSQL;
    SQLite writes one at a time anyway). The locks are FOR NO KEY UPDATE: a
    row inserted elsewhere that refers to the series or the meeting (a
    meeting's row, a role taken) takes a key-share lock on it, which they let
    through; FOR UPDATE would make such an insert and a cancellation wait for
    each other (a deadlock, measured). None when someone else stored the
    occurrence meanwhile by another way (a role taken, which a cancellation
    would have to tell): the caller then changes nothing."""
    if occurrence.series is not None:
        db.session.execute(
            select(MeetingSeries.id)
            .where(MeetingSeries.id == occurrence.series.id)
            .with_for_update(key_share=True)
        )
        occurrence.meeting = db.session.scalar(
            _row_of(occurrence.series, occurrence).execution_options(populate_existing=True)
        )
        if occurrence.meeting is None and not _stored(occurrence)[1]:
            return None  # stored meanwhile by another way
    assert occurrence.meeting is not None  # a one-off is always stored
    return db.session.execute(
        select(Meeting)
        .where(Meeting.id == occurrence.meeting.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one()


def cancel(group: Group, actor: User, occurrence: Occurrence, reason: str) -> bool:
    """Cancel one meeting; return whether it did. False, with nothing changed
    or written, when the meeting is already cancelled (or was just changed by
    someone else): the caller tells nobody."""
    meeting = _claim(occurrence)
    if meeting is None or meeting.cancelled:
        return False
    _exdates_changed(occurrence)
    meeting.cancelled = True
    meeting.cancel_reason = reason
    _save(group, meeting)
    audit.record(group, actor, "meeting_cancelled", start=occurrence.start.isoformat())
    return True


def restore(group: Group, actor: User, occurrence: Occurrence) -> None:
    if occurrence.meeting is None or not occurrence.meeting.cancelled:
        return
    meeting = occurrence.meeting
    _exdates_changed(occurrence)
    meeting.cancelled = False
    meeting.cancel_reason = ""
    _save(group, meeting)
    audit.record(group, actor, "meeting_restored", start=occurrence.start.isoformat())


def change(group: Group, actor: User, occurrence: Occurrence, data: MeetingData) -> None:
    """Move an occurrence or a one-off, or change its place, title or note."""
    meeting = materialize(occurrence)
    meeting.start = data.start
    if occurrence.series is not None:
        series = occurrence.series
        meeting.duration_minutes = (
            None if data.duration_minutes == series.duration_minutes else data.duration_minutes
        )
        meeting.location = None if data.location == series.location else data.location
        meeting.title = None if data.title == series.title else data.title
        meeting.note = None if data.note == series.note else data.note
    else:
        meeting.duration_minutes = data.duration_minutes
        meeting.location = data.location
        meeting.title = data.title
        meeting.note = data.note
    _save(group, meeting)
    audit.record(
        group,
        actor,
        "meeting_changed",
        start=(occurrence.original_start or occurrence.start).isoformat(),
        new_start=data.start.isoformat(),
    )


def delete_one_off(group: Group, actor: User, occurrence: Occurrence) -> None:
    if occurrence.series is not None:
        raise NotFound()
    db.session.delete(occurrence.meeting)
    _touch(group)
    audit.record(group, actor, "meeting_deleted", start=occurrence.start.isoformat())


# --- what a change would do, before it is made ------------------------------------


@dataclass
class Plan:
    """What a change that removes meetings or emails people would do: shown
    to confirm it first. ``affected``: the meetings it cancels or removes;
    ``unchanged``: those it leaves as they are (already cancelled);
    ``recipients``: the ids of the people it would email."""

    action: str  # "cancel", "pause", "end", "delete"
    affected: list[Occurrence]
    unchanged: list[Occurrence] = field(default_factory=list)
    recipients: set[int] = field(default_factory=set)
    removes_series: bool = False
    roles: int = 0  # roles already taken at meetings it removes

    @property
    def people(self) -> int:
        return len(self.recipients)

    def digest(self) -> str:
        """A short fingerprint of what is shown: a confirmation carries it,
        and a different one means the situation changed meanwhile."""
        return plan_digest(
            self.action,
            [(o.key, o.start.isoformat(), o.cancelled, o.location) for o in self.affected],
            [o.key for o in self.unchanged],
            sorted(self.recipients),
            self.removes_series,
            self.roles,
        )


def plan_digest(*facts: object) -> str:
    text = json.dumps(facts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _original(meeting: Meeting) -> datetime:
    """When a series' stored meeting was due by the rhythm (always set for them)."""
    assert meeting.original_start is not None
    return meeting.original_start


def _series_occurrences(series: MeetingSeries, first: date, last: date) -> list[Occurrence]:
    by_start = {m.original_start: m for m in series.meetings}
    return [
        _from_series(series, original, by_start.get(original))
        for original in (
            datetime.combine(day, series.start_time)
            for day in rec.dates(series.rule, series.start_date, first, last)
        )
    ]


def plan_cancel(occurrence: Occurrence) -> Plan:
    if occurrence.cancelled:
        return Plan("cancel", [], [occurrence])
    return Plan("cancel", [occurrence])


def _roles_at(meetings: Iterable[Meeting | None]) -> int:
    return sum(len(getattr(m, "assignments", None) or []) for m in meetings)


def plan_delete(occurrence: Occurrence) -> Plan:
    if occurrence.series is not None:
        raise NotFound()
    return Plan("delete", [occurrence], roles=_roles_at([occurrence.meeting]))


def plan_pause(series: MeetingSeries, first: date, last: date) -> Plan:
    """Which meetings of the period a pause cancels, and which were already."""
    if last < first:
        raise ScheduleError("pause_end_before_start", field="last")
    found = _series_occurrences(series, first, last)
    if not found:
        raise ScheduleError("pause_empty", field="first")
    return Plan(
        "pause",
        [o for o in found if not o.cancelled],
        [o for o in found if o.cancelled],
    )


def plan_end(series: MeetingSeries, day: date) -> Plan:
    """Which meetings ending the series from ``day`` on removes."""
    found = _series_occurrences(series, day, rec.horizon(series.start_date))
    before = rec.dates(series.rule, series.start_date, series.start_date, day - timedelta(days=1))
    removed = [m for m in series.meetings if _original(m).date() >= day]
    return Plan("end", found, removes_series=not before, roles=_roles_at(removed))


def pause(
    group: Group, actor: User, series: MeetingSeries, first: date, last: date, reason: str
) -> list[str]:
    """Cancel every occurrence of the series from ``first`` to ``last``; return
    the keys of those it cancelled (the ones already cancelled, also a moment
    ago by someone else, are left as they are: only the returned ones are news
    to tell). An empty list when nothing changed."""
    keys = []
    # One savepoint for the whole pause: it is undone whole if someone else
    # got to one of its meetings first.
    savepoint = db.session.begin_nested()
    for occurrence in plan_pause(series, first, last).affected:
        stored = _claim(occurrence)
        if stored is None:  # stored meanwhile by someone else: change nothing
            savepoint.rollback()
            return []
        if stored.cancelled:
            continue
        stored.cancelled = True
        stored.cancel_reason = reason
        stored.sequence = (stored.sequence or 0) + 1
        keys.append(occurrence.key)
    if keys:
        series.sequence += 1
        _touch(group)
        audit.record(
            group,
            actor,
            "series_paused",
            series=series.id,
            first=first.isoformat(),
            last=last.isoformat(),
            cancelled=len(keys),
        )
    savepoint.commit()
    return keys


def _end_before(series: MeetingSeries, day: date) -> bool:
    """End the series before ``day``; return False when nothing would remain."""
    rule = series.rule
    before = rec.dates(rule, series.start_date, series.start_date, day - timedelta(days=1))
    if not before:
        return False
    series.rule = rule.with_until(before[-1])
    series.sequence += 1
    for meeting in list(series.meetings):
        if _original(meeting).date() >= day:
            db.session.delete(meeting)
    return True


def end_series(group: Group, actor: User, series: MeetingSeries, day: date) -> bool:
    """Remove the occurrences from ``day`` on; return True if the whole series went.

    Past occurrences and what is attached to them stay.
    """
    kept = _end_before(series, day)
    if not kept:
        db.session.delete(series)
    _touch(group)
    audit.record(group, actor, "series_ended", series=series.id, day=day.isoformat())
    return not kept


# --- changing a series from a date on -------------------------------------------


@dataclass
class SplitPlan:
    """A change of a series from ``day`` on, before it is made: the new
    series' first date (in the old rhythm's phase), the last meetings before
    and the first ones after the change, and the changes to single meetings
    after ``day``: carried to the new series (``carried``) or not, because
    their date no longer exists in it (``dropped``)."""

    day: date
    first: date
    before: list[datetime]
    after: list[datetime]
    carried: list[Meeting]
    dropped: list[DroppedChange]
    dropped_meetings: list[Meeting] = field(default_factory=list)


@dataclass(frozen=True)
class DroppedChange:
    """What a change to a single meeting was, kept after the meeting is gone."""

    original_start: datetime
    start: datetime
    cancelled: bool
    details: bool  # place, title, time or note of its own
    roles: int

    @classmethod
    def of(cls, meeting: Meeting) -> DroppedChange:
        return cls(
            original_start=_original(meeting),
            start=meeting.start,
            cancelled=meeting.cancelled,
            details=bool(meeting.note)
            or any(
                value is not None
                for value in (meeting.location, meeting.title, meeting.duration_minutes)
            ),
            roles=len(getattr(meeting, "assignments", None) or []),
        )


@dataclass
class SplitResult:
    series: MeetingSeries
    carried: int
    dropped: list[DroppedChange]


def plan_split(series: MeetingSeries, data: SeriesData, shown: int = 6) -> SplitPlan:
    day = data.start_date
    if day < series.start_date:
        raise ScheduleError("split_before_start", field="start_date")
    check_series(data)
    try:
        first = rec.phase_first(series.rule, series.start_date, data.rule, day)
        rec.check(data.rule, first)
    except rec.RecurrenceError as exc:
        raise ScheduleError(exc.code, field=exc.field) from exc
    old = rec.dates(series.rule, series.start_date, series.start_date, day - timedelta(days=1))
    new_dates = rec.dates(data.rule, first, first, rec.horizon(first))
    later = sorted(
        (m for m in series.meetings if _original(m).date() >= day),
        key=_original,
    )
    kept = set(new_dates)
    return SplitPlan(
        day=day,
        first=first,
        before=[datetime.combine(d, series.start_time) for d in old[-3:]],
        after=[datetime.combine(d, data.start_time) for d in new_dates[:shown]],
        carried=[m for m in later if _original(m).date() in kept],
        dropped=[DroppedChange.of(m) for m in later if _original(m).date() not in kept],
        dropped_meetings=[m for m in later if _original(m).date() not in kept],
    )


def split(group: Group, actor: User, series: MeetingSeries, data: SeriesData) -> SplitResult:
    """Change a series from ``data.start_date`` on: the old one ends before it
    and a new one (new UID) starts, on the first date of the new rhythm that
    keeps the old one's phase (a fortnightly series stays on its weeks).
    Changes to single meetings (cancellations, moves, notes, roles) on dates
    that the new series still has carry over; the others are dropped and
    returned."""
    plan = plan_split(series, data)
    day = plan.day
    new = _new_series(group, data, plan.first, series.timezone, previous_id=series.id)
    for meeting in plan.carried:
        was_moved = meeting.start != meeting.original_start
        meeting.series = new
        meeting.original_start = datetime.combine(_original(meeting).date(), data.start_time)
        if not was_moved:
            meeting.start = meeting.original_start
        meeting.sequence += 1
    for meeting in plan.dropped_meetings:
        series.meetings.remove(meeting)
        db.session.delete(meeting)
    kept = _end_before(series, day)
    if not kept:
        new.previous_id = series.previous_id
        db.session.delete(series)
    _touch(group)
    audit.record(
        group,
        actor,
        "series_changed",
        series=new.id,
        day=day.isoformat(),
        dropped=len(plan.dropped),
    )
    return SplitResult(series=new, carried=len(plan.carried), dropped=plan.dropped)
