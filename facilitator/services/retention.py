"""Retention: what `flask purge` deletes (run it from cron; it is idempotent).

- invitations that expired or were revoked more than 30 days ago, and those
  used up;
- visitors' messages from the directory, 180 days after they arrived (the
  group has answered them by then; co-responsibles may delete them sooner);
- where a group set a retention period: meeting notes and attendance figures
  of meetings older than it.

Password-reset and registration links are signed and expire by themselves;
nothing of them is stored, so there is nothing to delete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from facilitator.extensions import db
from facilitator.models import (
    AttendanceRecord,
    ContactMessage,
    Group,
    Intention,
    Invitation,
    Meeting,
)

INVITATION_GRACE = timedelta(days=30)
CONTACT_MESSAGE_DAYS = 180


@dataclass
class PurgeReport:
    invitations: int = 0
    messages: int = 0
    notes: int = 0
    attendance: int = 0


def purge(now: datetime) -> PurgeReport:
    report = PurgeReport()
    cutoff = now - INVITATION_GRACE
    report.invitations = db.session.execute(
        delete(Invitation).where(
            or_(
                Invitation.expires_at < cutoff,
                Invitation.revoked_at < cutoff,
                Invitation.uses >= Invitation.max_uses,
            )
        )
    ).rowcount
    report.messages = db.session.execute(
        delete(ContactMessage).where(
            ContactMessage.created_at < now - timedelta(days=CONTACT_MESSAGE_DAYS)
        )
    ).rowcount
    for group in db.session.scalars(select(Group).where(Group.retention_months.is_not(None))):
        before = (now - timedelta(days=round(30.44 * group.retention_months))).replace(tzinfo=None)
        old = select(Meeting.id).where(Meeting.group_id == group.id, Meeting.start < before)
        report.notes += db.session.execute(
            update(Meeting)
            .where(Meeting.id.in_(old), Meeting.note.is_not(None), Meeting.note != "")
            .values(note=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        report.attendance += db.session.execute(
            delete(AttendanceRecord).where(AttendanceRecord.meeting_id.in_(old))
        ).rowcount
        db.session.execute(delete(Intention).where(Intention.meeting_id.in_(old)))
    return report
