"""Calendars (RFC 5545) rendered from plain data with icalendar.

A series is one VEVENT with an RRULE whose DTSTART is its first occurrence;
its cancelled occurrences are EXDATEs with the same TZID; its moved or changed
occurrences are VEVENTs with the series' UID and a RECURRENCE-ID; one-off
meetings are plain VEVENTs. Every timed value carries a TZID whose VTIMEZONE
(yearly-RRULE form) comes before the first VEVENT. DTSTAMP is the record's
last change, so an unchanged calendar renders to identical bytes.

The caller passes everything already translated and resolved (the neutral
title of discreet calendars, the lines naming roles, the links); what is
decided here is what each event shows: a discreet calendar shows the neutral
title and only the link, never the group's name, notes or roles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event, vDuration, vRecur

from facilitator.domain import recurrence as rec
from facilitator.domain.vtimezone import vtimezone

PRODID = "-//facilitator//Self-help group meetings//FR"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Naming:
    """How one group's events are titled."""

    group_name: str  # the title of events without one of their own
    neutral_title: str  # the title in discreet mode ("Rencontre"), translated
    discreet: bool = False


@dataclass(frozen=True)
class Override:
    """A stored occurrence of a series: cancelled, moved or changed.

    ``None`` (and for ``note`` and ``duration`` any empty value) means "as
    the series"."""

    original_start: datetime  # local wall time, as the series produces it
    start: datetime  # local wall time
    updated_at: datetime  # aware
    sequence: int
    link: str
    cancelled: bool = False
    duration: timedelta | None = None
    title: str | None = None
    location: str | None = None
    note: str | None = None
    roles: str = ""  # a line about the roles for the description, translated
    own_roles: str = ""  # the reader's roles, shown after the title


@dataclass(frozen=True)
class Series:
    uid: str
    timezone: str
    rule: rec.Rule
    start_date: date  # the first occurrence
    start_time: time
    duration: timedelta
    updated_at: datetime  # aware
    sequence: int
    link: str  # the page of the group's meetings
    title: str = ""
    location: str = ""
    note: str = ""
    overrides: Sequence[Override] = ()


@dataclass(frozen=True)
class OneOff:
    """A meeting outside any series (or one occurrence shown on its own)."""

    uid: str
    timezone: str
    start: datetime  # local wall time
    duration: timedelta
    updated_at: datetime  # aware
    sequence: int
    link: str
    title: str = ""
    location: str = ""
    note: str = ""
    cancelled: bool = False
    roles: str = ""
    own_roles: str = ""


@dataclass(frozen=True)
class Source:
    """What one group contributes to a calendar."""

    naming: Naming
    series: Sequence[Series] = ()
    one_offs: Sequence[OneOff] = ()


def calendar(sources: Sequence[Source], *, name: str, timezone: str) -> bytes:
    """The calendar as bytes (CRLF lines folded at 75 octets)."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    zones = {timezone}
    events: list[Event] = []
    for source in sources:
        for series in source.series:
            zones.add(series.timezone)
            events.extend(_series_events(source.naming, series))
        for one_off in source.one_offs:
            if not one_off.cancelled:
                zones.add(one_off.timezone)
                events.append(_one_off_event(source.naming, one_off))
    for tzid in sorted(zones):
        cal.add_component(vtimezone(tzid))
    for event in events:
        cal.add_component(event)
    return _bytes(cal)


def single(naming: Naming, event: OneOff) -> bytes:
    """One meeting as a stand-alone calendar (a one-off .ics download)."""
    cal = _calendar()
    cal.add_component(vtimezone(event.timezone))
    cal.add_component(_one_off_event(naming, event))
    return _bytes(cal)


def _calendar() -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    return cal


def _bytes(cal: Calendar) -> bytes:
    ics: bytes = cal.to_ical()  # icalendar's own annotation is wider
    return ics


def _summary(naming: Naming, title: str | None, own_roles: str = "") -> str:
    summary = naming.neutral_title if naming.discreet else (title or naming.group_name)
    if own_roles:
        summary = f"{summary} ({own_roles})"
    return summary


def _description(naming: Naming, note: str | None, link: str, roles: str = "") -> str:
    parts = []
    if not naming.discreet:
        if note:
            parts.append(note)
        if roles:
            parts.append(roles)
    parts.append(link)
    return "\n\n".join(parts)


def _base_event(uid: str, stamp: datetime, sequence: int) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("last-modified", stamp.astimezone(UTC))
    event.add("sequence", sequence)
    return event


def _series_events(naming: Naming, series: Series) -> list[Event]:
    tz = series.timezone
    first = datetime.combine(series.start_date, series.start_time)
    own = sorted(
        (
            o
            for o in series.overrides
            if rec.occurs_on(series.rule, series.start_date, o.original_start.date())
        ),
        key=lambda o: o.original_start,
    )
    stamp = max([series.updated_at, *(o.updated_at for o in own)])
    master = _base_event(series.uid, stamp, series.sequence)
    master.add("summary", _summary(naming, series.title))
    master.add("dtstart", rec.to_aware(first, tz))
    master.add("dtend", rec.to_aware(first + series.duration, tz))
    master.add("rrule", vRecur.from_ical(rec.to_rrule(series.rule, series.start_time, tz)))
    cancelled = [o for o in own if o.cancelled]
    if cancelled:
        master.add("exdate", [rec.to_aware(o.original_start, tz) for o in cancelled])
    if series.location:
        master.add("location", series.location)
    # What the master says holds for every occurrence without an exception of
    # its own: no roles (those are per meeting), and a link to the meetings.
    master.add("description", _description(naming, series.note, series.link))
    events = [master]
    for override in own:
        if override.cancelled:
            continue
        event = _base_event(series.uid, override.updated_at, series.sequence + override.sequence)
        event.add("recurrence-id", rec.to_aware(override.original_start, tz))
        title = override.title if override.title is not None else series.title
        event.add("summary", _summary(naming, title, override.own_roles))
        event.add("dtstart", rec.to_aware(override.start, tz))
        event.add(
            "dtend", rec.to_aware(override.start + (override.duration or series.duration), tz)
        )
        location = override.location if override.location is not None else series.location
        if location:
            event.add("location", location)
        note = override.note or series.note
        event.add("description", _description(naming, note, override.link, override.roles))
        events.append(event)
    return events


def _one_off_event(naming: Naming, meeting: OneOff) -> Event:
    tz = meeting.timezone
    event = _base_event(meeting.uid, meeting.updated_at, meeting.sequence)
    event.add("summary", _summary(naming, meeting.title, meeting.own_roles))
    event.add("dtstart", rec.to_aware(meeting.start, tz))
    event.add("dtend", rec.to_aware(meeting.start + meeting.duration, tz))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", _description(naming, meeting.note, meeting.link, meeting.roles))
    return event
