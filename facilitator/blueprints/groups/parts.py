"""The shared parts of the group page, rendered once and cached.

The group page is the most visited page. Most of it is the same for every
member with the same role: the group's menu, its coming meetings (dates,
places, cancellations, moves, public holidays: two queries and most of the
rendering) and the facts about the group. These parts are rendered together
and cached (Flask-Caching) under a key that names everything they depend on:

- the group: its id and creation time (a new group that takes the id of a
  deleted one on SQLite never sees its parts) and its ``version``, which every
  change to a series or a meeting (a cancellation, a move, a note, a place, a
  title) and to the group's settings (name, canton so the holidays, place,
  theme, listing in the directory) bumps; and its attendance setting, which
  does not bump it (the menu shows *Attendance*);
- the reader's language (dates, holidays' names, labels);
- the reader's role: co-responsible members see the *Manage* menu, and *Plan
  regular meetings* when nothing is planned;
- the number of members;
- the day: the list looks six weeks to six months ahead from today.

They also stop being used when their first meeting ends (the list starts
with the meetings not yet over). Roles and attendance intentions are not on
this page, so they are not in the key. What differs from member to member
(the date they joined, messages shown after an action) is rendered each time.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask import get_template_attribute
from markupsafe import Markup

from facilitator.extensions import cache
from facilitator.i18n import current_language
from facilitator.models import Group, Membership
from facilitator.services import schedule

NEXT_MEETINGS = 5
TEMPLATE = "groups/_parts.html"


class Parts(NamedTuple):
    nav: Markup
    coming: Markup
    facts: Markup
    any_coming: bool  # whether any meeting is coming
    until: datetime | None  # when the first of them ends (the list changes then)


def parts_key(
    group: Group, coresponsible: bool, member_count: int, language: str, now: datetime
) -> str:
    created = group.created_at.isoformat() if group.created_at else ""
    return ":".join(
        (
            "group-page",
            str(group.id),
            created,
            str(group.version),
            "attendance" if group.attendance_enabled else "-",
            language,
            "coresponsible" if coresponsible else "member",
            str(member_count),
            now.date().isoformat(),
        )
    )


def group_page_parts(
    group: Group, membership: Membership, member_count: int, now: datetime
) -> Parts:
    """The group page's shared parts, from the cache when it holds them."""
    coresponsible = membership.is_coresponsible
    language = current_language()
    key = parts_key(group, coresponsible, member_count, language, now)
    found = cache.get(key)
    if found is not None and (found.until is None or now < found.until):
        return found
    upcoming = schedule.upcoming([group.id], now, limit=NEXT_MEETINGS)
    schedule.mark_holidays(upcoming, {group.id: group.canton}, language)
    parts = Parts(
        nav=get_template_attribute(TEMPLATE, "nav")(group, membership),
        coming=get_template_attribute(TEMPLATE, "coming")(group, upcoming, coresponsible),
        facts=get_template_attribute(TEMPLATE, "facts")(group, coresponsible, member_count),
        any_coming=bool(upcoming),
        until=upcoming[0].end_utc if upcoming else None,
    )
    cache.set(key, parts)
    return parts
