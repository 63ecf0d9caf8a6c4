"""The meeting's shape: the group's usual outline, each meeting's theme and
outline, and the facilitator's printable card (with the charter's key rules).

A theme is the group's own words about what it talks about: it is shown to
members on the meeting's page and on the card, and nowhere else (no feed, no
email subject)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from facilitator.domain import outline as outline_rules
from facilitator.domain.charter_text import KeyRules
from facilitator.domain.links import https_link_problem
from facilitator.extensions import db
from facilitator.models import Group, Membership, ThemeProposal, User
from facilitator.services import audit, charter, roles, schedule
from facilitator.services.errors import DomainError, Forbidden

# The outline a group starts from, in its language (domain.outline's form).
DEFAULT_OUTLINE = _l(
    "15 Opening round\nThe theme of the evening\n10 Break\n20 Closing round and the next dates"
)
NEXT_DATES = 3


class NotYours(Forbidden):
    message = _l("Only the co-responsible members and the evening's role holders can do this.")


def group_outline(group: Group) -> str:
    """The group's usual outline: its own, or the default in its language."""
    if group.outline:
        return group.outline
    with force_locale(group.language):
        return str(DEFAULT_OUTLINE)


def outline_of(group: Group, occurrence: schedule.Occurrence) -> str:
    meeting = occurrence.meeting
    if meeting is not None and meeting.outline is not None:
        return meeting.outline
    return group_outline(group)


def online_link_of(group: Group, occurrence: schedule.Occurrence) -> str:
    """The meeting's online link (its own, else the group's usual one; may be
    empty). For members on the meeting's page: never in a feed or an email."""
    meeting = occurrence.meeting
    if meeting is not None and meeting.online_link is not None:
        return meeting.online_link
    return group.online_link


class BadLink(DomainError):
    message = _l("Enter a link that starts with https://, such as https://meet.jit.si/our-group.")


def _checked_link(link: str, field: str) -> str:
    if link and https_link_problem(link):
        raise BadLink(field=field)
    return link


def theme_of(occurrence: schedule.Occurrence) -> str:
    return (occurrence.meeting.theme or "") if occurrence.meeting is not None else ""


def may_shape(membership: Membership, role_slots: list[roles.RoleSlots]) -> bool:
    """Co-responsibles and whoever holds a role at the meeting set its theme
    and outline and print its card."""
    return membership.is_coresponsible or any(
        a is not None and a.membership_id == membership.id for rs in role_slots for a in rs.holders
    )


def set_group_defaults(group: Group, actor: User, text: str, online_link: str) -> None:
    """Keep the group's usual outline (empty: back to the default) and its
    usual online link (empty: none)."""
    outline_rules.parse(text)  # the form checked it; a bad one never gets stored
    group.online_link = _checked_link(online_link, "online_link")
    group.outline = text
    audit.record(group, actor, "outline_changed")


def set_shape(
    group: Group,
    membership: Membership,
    occurrence: schedule.Occurrence,
    theme: str,
    outline: str | None,
    online_link: str | None = None,
) -> None:
    """Set the meeting's theme, outline and online link (None, or the
    group's own: follow the group's; an empty link: none this time; an empty
    outline: the group's)."""
    if not may_shape(membership, roles.slots_of(group, occurrence)):
        raise NotYours()
    if occurrence.cancelled:
        raise DomainError(_l("This meeting is cancelled."))
    if outline:
        outline_rules.parse(outline)
    if not outline or outline == group_outline(group):
        outline = None  # follows the group's usual outline
    if online_link is not None:
        _checked_link(online_link, "online_link")
        if online_link == group.online_link:
            online_link = None
    meeting = schedule.materialize(occurrence)
    if (theme or None) != meeting.theme:
        # A proposal picked for this meeting is open again (nothing is deleted).
        db.session.execute(
            update(ThemeProposal)
            .where(ThemeProposal.meeting_id == meeting.id)
            .values(meeting_id=None)
            .execution_options(synchronize_session=False)
        )
    meeting.theme = theme or None
    meeting.outline = outline
    meeting.online_link = online_link


@dataclass(frozen=True)
class Card:
    occurrence: schedule.Occurrence
    theme: str
    online_link: str
    slots: list[outline_rules.Slot]
    role_slots: list[roles.RoleSlots]
    next_dates: list[schedule.Occurrence]
    key_rules: KeyRules


def card(group: Group, membership: Membership, occurrence: schedule.Occurrence) -> Card:
    """What the printable card of ``occurrence`` shows."""
    role_slots = roles.slots_of(group, occurrence)
    if not may_shape(membership, role_slots):
        raise NotYours()
    try:
        parts = outline_rules.parse(outline_of(group, occurrence))
    except outline_rules.OutlineProblem:  # stored before a rule changed: show none
        parts = []
    after = schedule.upcoming([group.id], occurrence.end_utc, limit=NEXT_DATES + 4)
    next_dates = [o for o in after if not o.cancelled and o.start > occurrence.start]
    return Card(
        occurrence=occurrence,
        theme=theme_of(occurrence),
        online_link=online_link_of(group, occurrence),
        slots=outline_rules.timetable(parts, occurrence.start, occurrence.end),
        role_slots=role_slots,
        next_dates=next_dates[:NEXT_DATES],
        key_rules=charter.key_rules(group),
    )
