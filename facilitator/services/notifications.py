"""Emails about roles: reminders before a meeting, and news of a cancelled or
moved meeting to those who hold a role in it. Each in the recipient's language.

A failing address or a mail server outage never stops the others: failures
are counted and the reminder is tried again on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.i18n import locale_for
from facilitator.models import Meeting, Membership, RoleAssignment, RoleType, User
from facilitator.models._common import utcnow
from facilitator.services import mail, schedule
from facilitator.services.errors import MailError
from facilitator.services.recurrence import to_aware


@dataclass
class Report:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _send(user: User, subject, template: str, **context) -> None:
    with force_locale(locale_for(user.locale)):
        title = subject()
        body = render_template(template, user=user, **context)
    mail.send(user.email, title, body)


def send_reminders(now: datetime, link_for) -> Report:
    """Remind every role holder whose meeting is close enough, once."""
    report = Report()
    horizon = (now + timedelta(days=15)).replace(tzinfo=None)
    rows = db.session.execute(
        select(RoleAssignment, Meeting, RoleType, User)
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(RoleAssignment.reminded_at.is_(None), Meeting.cancelled.is_(False),
               Meeting.start <= horizon, User.reminder_days > 0)
        .order_by(Meeting.start)
    ).all()  # fmt: skip
    for assignment, meeting, role, user in rows:
        start = to_aware(meeting.start, meeting.timezone)
        if start <= now or start - now > timedelta(days=user.reminder_days):
            continue
        occurrence = schedule.find(meeting.group, schedule.key_of(meeting))
        try:
            _send(
                user,
                lambda o=occurrence: _("Reminder: your role at the meeting of %(date)s", date=_day(o)),
                "mail/role_reminder.txt", role=role, occurrence=occurrence,
                group=meeting.group, link=link_for(meeting.group, occurrence.key),
            )  # fmt: skip
        except MailError:
            report.failed += 1
            continue
        assignment.reminded_at = utcnow()
        db.session.commit()
        report.sent += 1
    return report


def _day(occurrence) -> str:
    from facilitator.formatting import day_text, time_text

    return f"{day_text(occurrence.start, 'full')}, {time_text(occurrence.start)}"


def notify_holders(group, occurrence, kind: str, link: str) -> Report:
    """Tell the role holders of a meeting that it was cancelled or moved."""
    report = Report()
    if occurrence.meeting is None:
        return report
    rows = db.session.execute(
        select(RoleType, User)
        .join(RoleAssignment, RoleAssignment.role_type_id == RoleType.id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(RoleAssignment.meeting_id == occurrence.meeting.id)
    ).all()
    subjects = {
        "cancelled": lambda: _("Cancelled: the meeting of %(date)s", date=_day(occurrence)),
        "changed": lambda: _("Changed: the meeting of %(date)s", date=_day(occurrence)),
    }
    for role, user in rows:
        try:
            _send(user, subjects[kind], f"mail/meeting_{kind}.txt", role=role,
                  occurrence=occurrence, group=group, link=link)  # fmt: skip
            report.sent += 1
        except MailError:
            report.failed += 1
    return report
