"""Calendar feeds (RFC 5545) built with icalendar.

A series is one VEVENT with an RRULE whose DTSTART is its first occurrence;
its cancelled occurrences are EXDATEs with the same TZID; its moved or changed
occurrences are VEVENTs with the series' UID and a RECURRENCE-ID; one-off
meetings are plain VEVENTs. Every timed value carries a TZID whose VTIMEZONE
(yearly-RRULE form) comes before the first VEVENT. DTSTAMP is the record's
last change, so an unchanged calendar renders to identical bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from babel.lists import format_list
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vDuration, vRecur
from sqlalchemy import or_, select

from facilitator.extensions import db
from facilitator.models import Group, Meeting, MeetingSeries, Membership, User
from facilitator.services import recurrence as rec
from facilitator.services.schedule import key_of, series_key
from facilitator.services.vtimezone import vtimezone

PRODID = "-//facilitator//Self-help group meetings//FR"
PAST_DAYS = 183
REFRESH = timedelta(hours=1)


@dataclass
class GroupFeed:
    """What one group contributes to a calendar."""

    group: Group
    series: list[MeetingSeries] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    discreet: bool = False
    # Extra lines for the description of an occurrence (e.g. roles), by key.
    extra: dict[str, str] = field(default_factory=dict)
    # Personal feeds: the viewer's own roles, marked in the title, by key.
    own_roles: dict[str, str] = field(default_factory=dict)


def load(
    groups: list[Group], today: date, discreet_user: bool = False, viewer: User | None = None
) -> list[GroupFeed]:
    """The series and stored meetings a feed shows: the past six months and
    everything to come (two queries whatever the number of groups)."""
    if not groups:
        return []
    ids = [g.id for g in groups]
    since = today - timedelta(days=PAST_DAYS)
    series = db.session.scalars(
        select(MeetingSeries)
        .where(
            MeetingSeries.group_id.in_(ids),
            or_(MeetingSeries.until.is_(None), MeetingSeries.until >= since),
        )
        .order_by(MeetingSeries.id)
    ).all()
    series_ids = [s.id for s in series]
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.group_id.in_(ids),
            or_(
                Meeting.series_id.in_(series_ids),
                Meeting.series_id.is_(None)
                & (Meeting.start >= datetime.combine(since, datetime.min.time())),
            ),
        )
        .order_by(Meeting.id)
    ).all()
    feeds = {
        g.id: GroupFeed(group=g, discreet=discreet_user or g.feed_title_mode == "discreet")
        for g in groups
    }
    for s in series:
        feeds[s.group_id].series.append(s)
    for m in meetings:
        feeds[m.group_id].meetings.append(m)
    _add_roles(feeds, meetings, viewer)
    return [feeds[g.id] for g in groups]


def _add_roles(feeds: dict[int, GroupFeed], meetings: list[Meeting], viewer) -> None:
    """Who holds which role (group feeds), or the viewer's own roles (personal)."""
    from facilitator.models import RoleAssignment, RoleType

    rows = db.session.execute(
        select(RoleAssignment.meeting_id, RoleType.name, Membership.user_id, User.display_name)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(RoleAssignment.meeting_id.in_([m.id for m in meetings]))
        .order_by(RoleType.position, RoleAssignment.slot)
    ).all()
    holders: dict[int, list[tuple[str, str]]] = {}
    own: dict[int, list[str]] = {}
    for meeting_id, role, user_id, name in rows:
        holders.setdefault(meeting_id, []).append((role, name))
        if viewer is not None and user_id == viewer.id:
            own.setdefault(meeting_id, []).append(role)
    for meeting in meetings:
        feed = feeds[meeting.group_id]
        key = key_of(meeting)
        with force_locale(feed.group.language):
            if viewer is not None and own.get(meeting.id):
                roles_text = ", ".join(own[meeting.id])
                feed.own_roles[key] = roles_text
                feed.extra[key] = _("Your role: %(roles)s", roles=roles_text)
            elif viewer is None and feed.group.feed_show_roles and holders.get(meeting.id):
                pairs = [_("%(role)s: %(name)s", role=r, name=n) for r, n in holders[meeting.id]]
                feed.extra[key] = _("Roles: %(list)s", list=format_list(pairs, locale=get_locale()))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _local(moment: datetime, tz: str) -> datetime:
    return rec.to_aware(moment, tz)


def neutral_title(language: str) -> str:
    """ "Rencontre" / "Incontro": a title that reveals nothing on a lock screen."""
    with force_locale(language):
        return _("Meeting")


def group_feed_name(group: Group, discreet: bool) -> str:
    """The calendar's name: the group's, or a neutral one in discreet mode."""
    if not discreet:
        return group.name
    with force_locale(group.language):
        return _("Meetings")


def render(
    feeds: list[GroupFeed],
    *,
    name: str,
    link_for: Callable[[Group, str | None], str],
    timezone: str = "Europe/Zurich",
) -> bytes:
    """The calendar as bytes (CRLF lines folded at 75 octets)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    zones = {timezone}
    events = []
    for feed in feeds:
        for series in feed.series:
            zones.add(series.timezone)
            events.extend(_series_events(feed, series, link_for))
        for meeting in feed.meetings:
            if meeting.series_id is None and not meeting.cancelled:
                zones.add(meeting.timezone)
                events.append(_one_off_event(feed, meeting, link_for))
    for tzid in sorted(zones):
        cal.add_component(vtimezone(tzid))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()


def _summary(feed: GroupFeed, title: str | None, key: str | None = None) -> str:
    summary = neutral_title(feed.group.language) if feed.discreet else (title or feed.group.name)
    if key is not None and feed.own_roles.get(key):
        summary = f"{summary} ({feed.own_roles[key]})"
    return summary


def _description(feed: GroupFeed, note: str | None, link: str, key: str) -> str:
    parts = []
    if not feed.discreet:
        if note:
            parts.append(note)
        if feed.extra.get(key):
            parts.append(feed.extra[key])
    parts.append(link)
    return "\n\n".join(parts)


def _base_event(uid: str, stamp: datetime, sequence: int) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _utc(stamp))
    event.add("last-modified", _utc(stamp))
    event.add("sequence", sequence)
    return event


def _series_events(feed: GroupFeed, series: MeetingSeries, link_for) -> list[Event]:
    tz = series.timezone
    first = datetime.combine(series.start_date, series.start_time)
    own = sorted(
        (
            m
            for m in feed.meetings
            if m.series_id == series.id
            and rec.occurs_on(series.rule, series.start_date, m.original_start.date())
        ),
        key=lambda m: m.original_start,
    )
    stamp = max([series.updated_at, *(m.updated_at for m in own)])
    master = _base_event(series.uid, stamp, series.sequence)
    master.add("summary", _summary(feed, series.title))
    master.add("dtstart", _local(first, tz))
    master.add("dtend", _local(first + series.duration, tz))
    master.add("rrule", vRecur.from_ical(rec.to_rrule(series.rule, series.start_time, tz)))
    cancelled = [m for m in own if m.cancelled]
    if cancelled:
        master.add("exdate", [_local(m.original_start, tz) for m in cancelled])
    if series.location:
        master.add("location", series.location)
    # What the master says holds for every occurrence without an exception of
    # its own: no roles (those are per meeting), and a link to the meetings.
    master.add("description", _description(feed, series.note, link_for(feed.group, None), None))
    events = [master]
    for meeting in own:
        if meeting.cancelled:
            continue
        key = series_key(series.id, meeting.original_start)
        event = _base_event(series.uid, meeting.updated_at, series.sequence + meeting.sequence)
        event.add("recurrence-id", _local(meeting.original_start, tz))
        duration = timedelta(minutes=meeting.duration_minutes or series.duration_minutes)
        event.add(
            "summary",
            _summary(feed, meeting.title if meeting.title is not None else series.title, key),
        )
        event.add("dtstart", _local(meeting.start, tz))
        event.add("dtend", _local(meeting.start + duration, tz))
        location = meeting.location if meeting.location is not None else series.location
        if location:
            event.add("location", location)
        note = meeting.note if meeting.note else series.note
        event.add("description", _description(feed, note, link_for(feed.group, key), key))
        events.append(event)
    return events


def _one_off_event(feed: GroupFeed, meeting: Meeting, link_for) -> Event:
    key = f"m{meeting.id}"
    tz = meeting.timezone
    event = _base_event(meeting.uid, meeting.updated_at, meeting.sequence)
    event.add("summary", _summary(feed, meeting.title, key))
    event.add("dtstart", _local(meeting.start, tz))
    event.add("dtend", _local(meeting.start + timedelta(minutes=meeting.duration_minutes or 0), tz))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", _description(feed, meeting.note, link_for(feed.group, key), key))
    return event


def render_occurrence(group: Group, occurrence, link: str) -> bytes:
    """One meeting as a stand-alone calendar (a one-off .ics download)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add_component(vtimezone(occurrence.timezone))
    source = occurrence.meeting or occurrence.series
    uid = source.uid if occurrence.series is None else f"{occurrence.key}-{source.uid}"
    event = _base_event(uid, source.updated_at, getattr(source, "sequence", 0))
    feed = GroupFeed(group=group, discreet=group.feed_title_mode == "discreet")
    event.add("summary", _summary(feed, occurrence.title))
    event.add("dtstart", occurrence.start_aware)
    event.add("dtend", occurrence.start_aware + occurrence.duration)
    if occurrence.location:
        event.add("location", occurrence.location)
    event.add("description", _description(feed, occurrence.note, link, occurrence.key))
    cal.add_component(event)
    return cal.to_ical()


def render_series(group: Group, series: MeetingSeries, link_for) -> bytes:
    """One series (with its exceptions) as a calendar file."""
    meetings = db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)).all()
    feed = GroupFeed(
        group=group,
        series=[series],
        meetings=list(meetings),
        discreet=group.feed_title_mode == "discreet",
    )
    return render(
        [feed],
        name=group_feed_name(group, feed.discreet),
        link_for=link_for,
        timezone=series.timezone,
    )
