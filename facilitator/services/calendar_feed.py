"""Calendar feeds: what a feed shows, gathered from the database and translated.

The series and meetings of the groups, the lines naming roles and the neutral
title of discreet calendars are gathered and translated here (each group in
its own language), then handed as plain data to ``facilitator.domain.ical``,
which renders the RFC 5545 bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from babel.lists import format_list
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from facilitator.domain import ical
from facilitator.extensions import db
from facilitator.models import (
    Group,
    Meeting,
    MeetingSeries,
    Membership,
    RoleAssignment,
    RoleType,
    User,
)
from facilitator.services.schedule import Occurrence, key_of

PAST_DAYS = 183

LinkFor = Callable[[Group, str | None], str]


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


def _add_roles(
    feeds: dict[int, GroupFeed], meetings: Sequence[Meeting], viewer: User | None
) -> None:
    """Who holds which role (group feeds), or the viewer's own roles (personal)."""
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
    link_for: LinkFor,
    timezone: str = "Europe/Zurich",
) -> bytes:
    """The calendar as bytes (CRLF lines folded at 75 octets)."""
    return ical.calendar([_source(f, link_for) for f in feeds], name=name, timezone=timezone)


def _naming(group: Group, discreet: bool) -> ical.Naming:
    return ical.Naming(group.name, neutral_title(group.language) if discreet else "", discreet)


def _source(feed: GroupFeed, link_for: LinkFor) -> ical.Source:
    """A group's series and meetings as the renderer's plain data."""
    group = feed.group
    series = [
        ical.Series(
            uid=s.uid,
            timezone=s.timezone,
            rule=s.rule,
            start_date=s.start_date,
            start_time=s.start_time,
            duration=s.duration,
            updated_at=s.updated_at,
            sequence=s.sequence,
            link=link_for(group, None),
            title=s.title,
            location=s.location,
            note=s.note,
            overrides=[_override(feed, m, link_for) for m in feed.meetings if m.series_id == s.id],
        )
        for s in feed.series
    ]
    one_offs = [_one_off(feed, m, link_for) for m in feed.meetings if m.series_id is None]
    return ical.Source(_naming(group, feed.discreet), series, one_offs)


def _override(feed: GroupFeed, meeting: Meeting, link_for: LinkFor) -> ical.Override:
    key = key_of(meeting)
    assert meeting.original_start is not None  # a meeting of a series keeps its original start
    return ical.Override(
        original_start=meeting.original_start,
        start=meeting.start,
        updated_at=meeting.updated_at,
        sequence=meeting.sequence,
        link=link_for(feed.group, key),
        cancelled=meeting.cancelled,
        duration=timedelta(minutes=meeting.duration_minutes) if meeting.duration_minutes else None,
        title=meeting.title,
        location=meeting.location,
        note=meeting.note,
        roles=feed.extra.get(key, ""),
        own_roles=feed.own_roles.get(key, ""),
    )


def _one_off(feed: GroupFeed, meeting: Meeting, link_for: LinkFor) -> ical.OneOff:
    key = key_of(meeting)
    return ical.OneOff(
        uid=meeting.uid,
        timezone=meeting.timezone,
        start=meeting.start,
        duration=timedelta(minutes=meeting.duration_minutes or 0),
        updated_at=meeting.updated_at,
        sequence=meeting.sequence,
        link=link_for(feed.group, key),
        title=meeting.title or "",
        location=meeting.location or "",
        note=meeting.note or "",
        cancelled=meeting.cancelled,
        roles=feed.extra.get(key, ""),
        own_roles=feed.own_roles.get(key, ""),
    )


def render_link(user_id: int, group_id: int | None, today: date, link_for: LinkFor) -> bytes:
    """The calendar a feed link shows: one group's meetings (``group_id``), or
    all the groups of the link's owner, titled in the owner's language."""
    if group_id is not None:
        group = db.session.get_one(Group, group_id)
        sources = load([group], today)
        name = group_feed_name(group, group.feed_title_mode == "discreet")
        return render(sources, name=name, link_for=link_for, timezone=group.timezone)
    user = db.session.get_one(User, user_id)
    groups = list(
        db.session.scalars(
            select(Group).join(Membership).where(Membership.user_id == user.id).order_by(Group.id)
        )
    )
    sources = load(groups, today, discreet_user=user.feed_discreet, viewer=user)
    with force_locale(user.locale):
        name = _("Meetings") if user.feed_discreet else _("My self-help group meetings")
    return render(sources, name=name, link_for=link_for, timezone="Europe/Zurich")


def render_occurrence(group: Group, occurrence: Occurrence, link: str) -> bytes:
    """One meeting as a stand-alone calendar (a one-off .ics download)."""
    source: Meeting | MeetingSeries | None = occurrence.meeting or occurrence.series
    assert source is not None  # an occurrence comes from a meeting or a series
    uid = source.uid if occurrence.series is None else f"{occurrence.key}-{source.uid}"
    event = ical.OneOff(
        uid=uid,
        timezone=occurrence.timezone,
        start=occurrence.start,
        duration=occurrence.duration,
        updated_at=source.updated_at,
        sequence=source.sequence,
        link=link,
        title=occurrence.title,
        location=occurrence.location,
        note=occurrence.note,
    )
    return ical.single(_naming(group, group.feed_title_mode == "discreet"), event)


def render_series(group: Group, series: MeetingSeries, link_for: LinkFor) -> bytes:
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
