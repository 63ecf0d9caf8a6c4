"""Retention: what `flask purge` deletes (run it from cron; it is idempotent).

- invitations that expired or were revoked more than 30 days ago, and those
  used up;
- visitors' messages from the directory, 180 days after they arrived (the
  group has answered them by then; co-responsibles may delete them sooner);
- visitors' requests to a self-help centre, 180 days after they arrived,
  whatever their status;
- where a group set a retention period: meeting notes and attendance figures
  of meetings older than it;
- what the outbox kept of the emails sent or given up more than 30 days ago
  (their text is deleted as soon as they leave);
- welcome pairings: those past their last day end; the conversation of a
  pairing that ended more than 30 days ago is deleted with it; where a group
  set a retention period, welcome messages older than it too.

Password-reset and registration links are signed and expire by themselves;
nothing of them is stored, so there is nothing to delete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update

from facilitator.extensions import db
from facilitator.models import (
    AttendanceRecord,
    ContactMessage,
    Group,
    Intention,
    Invitation,
    Meeting,
    Referral,
)
from facilitator.services import outbox, welcome
from facilitator.services.sql import rows_changed

INVITATION_GRACE = timedelta(days=30)
CONTACT_MESSAGE_DAYS = 180
REFERRAL_DAYS = 180


@dataclass
class PurgeReport:
    invitations: int = 0
    messages: int = 0
    referrals: int = 0
    notes: int = 0
    attendance: int = 0
    emails: int = 0
    welcome_ended: int = 0
    welcome_messages: int = 0


def purge(now: datetime) -> PurgeReport:
    report = PurgeReport()
    cutoff = now - INVITATION_GRACE
    report.invitations = rows_changed(
        delete(Invitation).where(
            or_(
                Invitation.expires_at < cutoff,
                Invitation.revoked_at < cutoff,
                Invitation.uses >= Invitation.max_uses,
            )
        )
    )
    report.messages = rows_changed(
        delete(ContactMessage).where(
            ContactMessage.created_at < now - timedelta(days=CONTACT_MESSAGE_DAYS)
        )
    )
    report.referrals = rows_changed(
        delete(Referral).where(Referral.created_at < now - timedelta(days=REFERRAL_DAYS))
    )
    for group in db.session.scalars(select(Group).where(Group.retention_months.is_not(None))):
        months = group.retention_months or 0  # the query keeps groups that set one
        before = (now - timedelta(days=round(30.44 * months))).replace(tzinfo=None)
        old = select(Meeting.id).where(Meeting.group_id == group.id, Meeting.start < before)
        report.notes += rows_changed(
            update(Meeting)
            .where(Meeting.id.in_(old), Meeting.note.is_not(None), Meeting.note != "")
            .values(note=None)
            .execution_options(synchronize_session=False)
        )
        report.attendance += rows_changed(
            delete(AttendanceRecord).where(AttendanceRecord.meeting_id.in_(old))
        )
        db.session.execute(delete(Intention).where(Intention.meeting_id.in_(old)))
        report.welcome_messages += welcome.forget_before(group, before.replace(tzinfo=UTC))
    report.welcome_ended = welcome.expire(now)
    report.welcome_messages += welcome.forget_ended(now)
    report.emails = outbox.forget(now)
    return report
