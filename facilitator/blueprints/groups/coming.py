"""The group page's coming meetings, rendered once and cached.

The group page is the most visited page, and its list of coming meetings
(dates, places, cancellations, moves, public holidays) costs two queries and
most of its rendering. The rendered fragment is cached (Flask-Caching) under a
key that names everything it depends on:

- the group (its id and creation time, so that a new group that takes the id
  of a deleted one on SQLite never sees its fragment) and its ``version``:
  every change to a series, a meeting (cancellation, move, note, place, title)
  or the group's settings (canton, so the holidays) bumps it;
- the reader's language (dates, holidays' names, labels);
- the reader's role: a co-responsible member sees *Plan regular meetings*
  when nothing is planned;
- the day: the list looks six weeks to six months ahead from today.

The fragment also stops being used when its first meeting ends (the list
starts with the meetings not yet over). Roles and attendance intentions are
not in this list, so they are not in the key.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask import render_template
from markupsafe import Markup

from facilitator.extensions import cache
from facilitator.i18n import current_language
from facilitator.models import Group, Membership
from facilitator.services import schedule

NEXT_MEETINGS = 5


class Coming(NamedTuple):
    html: Markup
    any: bool  # whether any meeting is coming
    until: datetime | None  # when the first of them ends (the list changes then)


def fragment_key(group: Group, coresponsible: bool, language: str, now: datetime) -> str:
    role = "coresponsible" if coresponsible else "member"
    created = group.created_at.isoformat() if group.created_at else ""
    return f"coming:{group.id}:{created}:{group.version}:{language}:{role}:{now.date().isoformat()}"


def coming_meetings(group: Group, membership: Membership, now: datetime) -> Coming:
    """The rendered list of the group's next meetings, from the cache when it
    holds one still valid."""
    key = fragment_key(group, membership.is_coresponsible, current_language(), now)
    found = cache.get(key)
    if found is not None and (found.until is None or now < found.until):
        return found
    upcoming = schedule.upcoming([group.id], now, limit=NEXT_MEETINGS)
    schedule.mark_holidays(upcoming, {group.id: group.canton}, current_language())
    html = render_template(
        "groups/_coming.html",
        group=group,
        upcoming=upcoming,
        coresponsible=membership.is_coresponsible,
    )
    # render_template's output is escaped HTML already.
    safe = Markup(html)  # noqa: S704
    coming = Coming(safe, bool(upcoming), upcoming[0].end_utc if upcoming else None)
    cache.set(key, coming)
    return coming
