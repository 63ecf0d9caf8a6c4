"""Welcome contacts: a member who accompanies a newcomer through their first
meetings, and the short conversation the two of them have in the app.

A ``WelcomePairing`` links the newcomer's membership and the contact's, from
its start until it ends (by either of them, or by itself on ``ends_on``).
``open_for`` holds the newcomer's membership while the pairing runs and NULL
once it ended: its unique constraint lets a newcomer have one running pairing
at a time, whoever assigns or offers at the same moment. Its messages
(``WelcomeMessage``) say only whether the newcomer wrote them; both rows go
when either membership ends (leaving, account deletion) and, with the
pairing, 30 days after it ended (``services.retention``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.groups import Membership

MESSAGE_MAX = 2000

# Who ended a pairing (``WelcomePairing.ended_by``).
BY_NEWCOMER = "newcomer"
BY_CONTACT = "contact"
BY_TIME = "time"


class WelcomePairing(db.Model):
    __tablename__ = "welcome_pairings"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    # The newcomer's membership while the pairing runs, NULL once it ended.
    open_for: Mapped[int | None] = mapped_column(Integer, unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The day (in the group's time zone) it ends by itself.
    ends_on: Mapped[date] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(10))
    # When each of the two last opened the conversation (what is new for them)
    # and was last emailed about a new message (at most one email an hour).
    newcomer_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    newcomer_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    contact_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    newcomer: Mapped[Membership] = relationship(foreign_keys=[newcomer_id])
    contact: Mapped[Membership] = relationship(foreign_keys=[contact_id])


class WelcomeMessage(db.Model):
    __tablename__ = "welcome_messages"
    __table_args__ = (Index("ix_welcome_messages_pairing", "pairing_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("welcome_pairings.id", ondelete="CASCADE"))
    # Written by the newcomer (else by the contact): the pairing names both.
    from_newcomer: Mapped[bool] = mapped_column(Boolean)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
