"""Emails about meetings and roles: reminders before a meeting, news of a
cancelled or changed meeting (to its role holders, and to every member when it
is at the last minute), and word to the co-responsible members when someone
joins or leaves. Each in the recipient's language.

Emails are queued here and written to the outbox with the unit of work's
commit (``services.unit``), which sends them, tries again while the mail
server is down, and counts who was told: a reminder is marked sent in the
same transaction as its email, so it is neither lost nor sent twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from facilitator.domain.recurrence import to_aware
from facilitator.extensions import db
from facilitator.formatting import when_text
from facilitator.models import Group, Meeting, Membership, RoleAssignment, RoleType, User
from facilitator.models._common import utcnow
from facilitator.services import groups, mail, schedule
from facilitator.services.roles import first_times

# An email's subject, called in the recipient's language.
Subject = Callable[[], str]


def deliver(user: User, subject: Subject, template: str, **context: Any) -> None:
    """Queue one email to ``user``, counted as told once it is sent; about a
    group, the template learns whether the group is discreet for ``user``
    (then its name stays out of the first lines); about a meeting (an
    ``occurrence`` in ``context``), the meeting's page counts it."""
    about = None
    if context.get("group") is not None:
        context.setdefault("discreet", discreet_for(user, context["group"]))
        if context.get("occurrence") is not None:
            about = (context["group"].id, context["occurrence"].key)
    mail.send_template(
        user.email,
        user.locale,
        subject,
        template,
        person=user.id,
        about=about,
        user=user,
        **context,
    )


def send_reminders(now: datetime, link_for: Callable[[Group, str], str]) -> int:
    """Remind every role holder whose meeting is close enough, once: queue the
    emails and mark the roles reminded; returns how many were queued. The
    caller commits."""
    queued = 0
    horizon = (now + timedelta(days=15)).replace(tzinfo=None)
    rows = db.session.execute(
        select(RoleAssignment, Meeting, RoleType, User)
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(
            RoleAssignment.reminded_at.is_(None),
            Meeting.cancelled.is_(False),
            Meeting.start <= horizon,
            User.reminder_days > 0,
        )
        .order_by(Meeting.start)
    ).all()
    for assignment, meeting, role, user in rows:
        start = to_aware(meeting.start, meeting.timezone)
        if start <= now or start - now > timedelta(days=user.reminder_days):
            continue
        occurrence = schedule.find(meeting.group, schedule.key_of(meeting))
        deliver(
            user,
            _reminder_subject(occurrence),
            "mail/role_reminder.txt",
            role=role,
            occurrence=occurrence,
            group=meeting.group,
            link=link_for(meeting.group, occurrence.key),
            first_time=bool(first_times(user.id, {role.id}, meeting.start)),
        )
        assignment.reminded_at = utcnow()
        queued += 1
    return queued


def _reminder_subject(occurrence: schedule.Occurrence) -> Subject:
    return lambda: _("Reminder: your role at the meeting of %(date)s", date=_day(occurrence))


def _day(occurrence: schedule.Occurrence) -> str:
    return when_text(occurrence.start)


LAST_MINUTE = timedelta(days=7)


def _last_minute(occurrence: schedule.Occurrence, now: datetime) -> bool:
    """Whether the meeting (where it was, or where it is now) falls within the
    next seven days: too soon to trust that every calendar has caught up
    (Google refreshes subscriptions only every 8 to 24 hours)."""
    starts = [occurrence.start_aware]
    if occurrence.original_start is not None:
        starts.append(to_aware(occurrence.original_start, occurrence.timezone))
    return any(now <= start <= now + LAST_MINUTE for start in starts)


def _recipients(
    group: Group, occurrence: schedule.Occurrence, now: datetime, actor: User
) -> list[tuple[User, RoleType | None]]:
    """Who hears of a change to this meeting: its role holders always (with
    their role); when it is at the last minute, every other member too. Never
    ``actor``, who made the change."""
    recipients: list[tuple[User, RoleType | None]] = []
    if occurrence.meeting is not None and occurrence.meeting.id is not None:
        recipients += [
            (user, role)
            for role, user in db.session.execute(
                select(RoleType, User)
                .join(RoleAssignment, RoleAssignment.role_type_id == RoleType.id)
                .join(Membership, Membership.id == RoleAssignment.membership_id)
                .join(User, User.id == Membership.user_id)
                .where(RoleAssignment.meeting_id == occurrence.meeting.id, User.id != actor.id)
                .order_by(User.id)
            )
        ]
    if _last_minute(occurrence, now):
        told = {user.id for user, _role in recipients} | {actor.id}
        recipients += [(user, None) for user in groups.member_users(group) if user.id not in told]
    return recipients


def people_to_tell(
    group: Group, occurrences: Iterable[schedule.Occurrence], now: datetime, actor: User
) -> set[int]:
    """The ids of the people that cancelling or changing these meetings would
    email (``notify_meeting`` for each): what a confirmation page counts."""
    return {
        user.id
        for occurrence in occurrences
        for user, _role in _recipients(group, occurrence, now, actor)
    }


def notify_meeting(
    group: Group,
    occurrence: schedule.Occurrence,
    kind: str,
    link: str,
    now: datetime,
    actor: User,
    previous: datetime | None = None,
) -> None:
    """Tell people by email that a meeting was cancelled or changed (``kind``):
    its role holders always, naming their role; when it is at the last minute,
    every other member too. Never ``actor``, who made the change. A meeting
    moved from ``previous`` says both dates in the subject."""
    subject = _meeting_subject(kind, occurrence, previous)
    for user, role in _recipients(group, occurrence, now, actor):
        deliver(
            user,
            subject,
            f"mail/meeting_{kind}.txt",
            role=role,
            occurrence=occurrence,
            group=group,
            link=link,
        )


def _meeting_subject(
    kind: str, occurrence: schedule.Occurrence, previous: datetime | None
) -> Subject:
    """The subject of a "cancelled" or "changed" email; a meeting moved from
    ``previous`` says both dates."""
    if kind == "changed" and previous is not None and previous != occurrence.start:
        return lambda: _(
            "Moved: the meeting of %(old)s is now on %(new)s",
            old=when_text(previous),
            new=when_text(occurrence.start),
        )
    if kind == "cancelled":
        return lambda: _("Cancelled: the meeting of %(date)s", date=_day(occurrence))
    return lambda: _("Changed: the meeting of %(date)s", date=_day(occurrence))


def discreet_for(user: User, group: Group) -> bool:
    """Whether emails to ``user`` keep ``group``'s name out of their subject
    and first lines (a phone shows both on its lock screen): the group's
    discreet calendar titles, or the member's own."""
    return user.feed_discreet or group.feed_title_mode == "discreet"


def tell_coresponsibles(
    group: Group, discreet: Subject, named: Subject, template: str, **context: Any
) -> None:
    """Email ``group``'s co-responsible members, each with the ``discreet``
    subject (without the group's name) or the ``named`` one, as they read it."""
    for user in groups.member_users(group, coresponsible=True):
        subject = discreet if discreet_for(user, group) else named
        deliver(user, subject, template, group=group, **context)


def notify_arrival(group: Group, newcomer: User, link: str) -> None:
    """Tell the co-responsible members that ``newcomer`` joined the group."""
    name = newcomer.display_name
    for user in groups.member_users(group, coresponsible=True):
        if user.id == newcomer.id:  # a group where everyone is co-responsible
            continue
        subject = (
            (lambda: _("%(name)s has joined your group", name=name))
            if discreet_for(user, group)
            else (lambda: _("%(name)s has joined %(group)s", name=name, group=group.name))
        )
        deliver(user, subject, "mail/member_joined.txt", member=name, group=group, link=link)


def notify_departure(
    group: Group, name: str, reopened: Sequence[tuple[datetime, str]], link: str
) -> None:
    """Tell the co-responsible members that the member called ``name`` left
    (call it after the membership ended), and which of their roles are open
    again."""
    # The leaver is no longer among the members.
    for user in groups.member_users(group, coresponsible=True):
        subject = (
            (lambda: _("%(name)s has left your group", name=name))
            if discreet_for(user, group)
            else (lambda: _("%(name)s has left %(group)s", name=name, group=group.name))
        )
        deliver(
            user,
            subject,
            "mail/member_left.txt",
            member=name,
            group=group,
            reopened=reopened,
            link=link,
        )
