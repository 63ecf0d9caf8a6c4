"""Anonymous attendance: headcounts per meeting, and counted intentions.

By construction nothing here names a person who came: a record holds two
numbers; an intention ("I plan to come") holds a keyed hash that lets the app
recognise its author's own answer (so that it can be changed), and is only
ever shown as a count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.meetings import Meeting

MAX_COUNT = 500


class AttendanceRecord(db.Model):
    __tablename__ = "attendance_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    participants: Mapped[int] = mapped_column(Integer)
    newcomers: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()


class Intention(db.Model):
    """An anonymous "I plan to come" / "I can't come"."""

    __tablename__ = "intentions"
    __table_args__ = (UniqueConstraint("meeting_id", "responder", name="uq_intentions_responder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    # HMAC of the member and the meeting: recognisable by the app for the
    # member's own answer, never displayed, no foreign key to a person.
    responder: Mapped[str] = mapped_column(String(64))
    coming: Mapped[bool] = mapped_column(Boolean)
