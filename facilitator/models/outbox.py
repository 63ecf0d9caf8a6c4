"""The email outbox, and the worker's own bookkeeping.

An email is written here in the same transaction as the change that causes
it, and sent after the commit by the worker (``services.outbox``,
``facilitator.worker``). A row keeps the whole message only while it waits:
once sent or given up, its text is deleted and only what the meeting page
counts stays (who it went to, about which meeting, how it ended), until the
purge deletes the row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow

WAITING = "waiting"
SENT = "sent"
FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_meeting", "group_id", "meeting_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=WAITING)
    # The whole message (RFC 5322 text, Message-ID included, so that a retry
    # is the same email); None once it has been sent or given up.
    message: Mapped[str | None] = mapped_column(Text)
    # Who it counts as told, and what it is about (for the meeting page).
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    meeting_key: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why the last attempt failed: an exception's name or an SMTP code, never
    # an address or a line of the message.
    error: Mapped[str | None] = mapped_column(String(80))


class WorkerJob(db.Model):
    """When a scheduled job of the worker last ran (``reminders``, ``purge``),
    and when a worker was last seen (``heartbeat``). Locking a job's row is
    what keeps two workers from running it at once."""

    __tablename__ = "worker_jobs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
