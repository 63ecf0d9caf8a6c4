"""The dashboard's parts that stay the same from one load to the next,
rendered once and cached.

The dashboard lists a member's next meetings across all their groups, their
roles, and their groups: five statements and a long list to render. All of
it depends only on the member's groups and the member's own roles, and every
change to a meeting, a series, a role or a group's settings bumps the group's
``version``. The rendered parts are cached (Flask-Caching) under a key that
names:

- the member, and the reader's language;
- each of their groups: id, creation time (an id taken again by a new group
  on SQLite), ``version``, attendance setting (it does not bump the version)
  and the member's role there (a badge); joining or leaving changes the set;
- the day (the lists look ahead from today).

They stop being used when the first meeting shown ends or the first role
listed later begins. The answer to *Are you coming?* (attendance intentions,
which do not bump the version) and the messages shown after an action are
rendered each time.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask import get_template_attribute
from markupsafe import Markup

from facilitator.domain.recurrence import to_aware
from facilitator.extensions import cache
from facilitator.i18n import current_language
from facilitator.models import Group, Membership, User
from facilitator.services import attendance, roles, schedule

NEXT_MEETINGS = 10
TEMPLATE = "main/_parts.html"


class First(NamedTuple):
    """What the live part of the next meeting's card needs."""

    group_id: int
    key: str
    cancelled: bool


class Parts(NamedTuple):
    first: First | None
    card: Markup | str
    rest: Markup
    until: datetime | None  # when the first meeting ends or the first later role begins


def parts_key(user: User, memberships: list[Membership], language: str, now: datetime) -> str:
    groups = ",".join(
        f"{m.group_id}.{m.group.created_at.isoformat() if m.group.created_at else ''}"
        f".{m.group.version}.{int(m.group.attendance_enabled)}.{int(m.is_coresponsible)}"
        for m in memberships
    )
    return f"dashboard:{user.id}:{language}:{now.date().isoformat()}:{groups}"


def dashboard_parts(user: User, memberships: list[Membership], now: datetime) -> Parts:
    """The dashboard's shared parts, from the cache when it holds them."""
    language = current_language()
    key = parts_key(user, memberships, language, now)
    found = cache.get(key)
    if found is not None and (found.until is None or now < found.until):
        return found
    groups: dict[int, Group] = {m.group_id: m.group for m in memberships}
    upcoming = schedule.upcoming(groups, now, limit=NEXT_MEETINGS)
    schedule.mark_holidays(upcoming, {gid: g.canton for gid, g in groups.items()}, language)
    mine = roles.my_roles(user, now)
    shown = {(o.group_id, o.key) for o in upcoming}
    later_roles = [r for r in mine if (r.group.id, r.occurrence_key) not in shown]
    marks = roles.by_meeting(mine)
    first = upcoming[0] if upcoming else None
    ends = [first.end_utc] if first else []
    ends += [to_aware(r.start, r.group.timezone) for r in later_roles[:1]]
    parts = Parts(
        first=First(first.group_id, first.key, first.cancelled) if first else None,
        card=get_template_attribute(TEMPLATE, "card")(
            first, groups[first.group_id], marks.get((first.group_id, first.key))
        )
        if first
        else "",
        rest=get_template_attribute(TEMPLATE, "rest")(
            bool(first), upcoming[1:], groups, marks, later_roles, memberships
        ),
        until=min(ends) if ends else None,
    )
    cache.set(key, parts)
    return parts


def next_meeting_answer(
    user: User, memberships: list[Membership], parts: Parts, now: datetime
) -> attendance.Intentions | None:
    """The member's answer to *Are you coming?* for the next meeting, read
    each time (not cached), where the group counts attendance."""
    if parts.first is None:
        return None
    group = next(m.group for m in memberships if m.group_id == parts.first.group_id)
    if not group.attendance_enabled:
        return None
    occurrence = schedule.find(group, parts.first.key)
    if not attendance.may_answer(group, occurrence, now):
        return None
    return attendance.intentions(user, occurrence)
