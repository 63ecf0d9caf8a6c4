"""Theme proposals: what members would like to talk about one evening.

A ``ThemeProposal`` keeps its text, who proposed it (a membership, shown to
nobody but its author: NULL once they left or deleted their account) and what
became of it: open, picked for a meeting (``meeting_id``; when that meeting's
row goes, the proposal is open again), or set aside by a co-responsible
member. ``text_key`` is its text without case and runs of spaces, hashed: the
same theme twice in a group is refused by the database itself.

A ``ThemeSupport`` is one member's support, under a keyed hash of (proposal,
member) like a secret ballot: the app recognises its author's own support (so
that it can be withdrawn) and counts them, while the table holds no column
and no foreign key that leads to a person, and no timestamp.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.meetings import THEME_MAX, Meeting

KEY_LENGTH = 64  # a SHA-256 in hex
SUPPORTER_LENGTH = 64  # a SHA-256 HMAC in hex


class ProposalStatus(enum.StrEnum):
    OPEN = "open"  # (or picked, when it names a meeting)
    SET_ASIDE = "set_aside"


class ThemeProposal(db.Model):
    __tablename__ = "theme_proposals"
    # (the unique constraint's index serves the group's proposals)
    __table_args__ = (UniqueConstraint("group_id", "text_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(THEME_MAX))
    text_key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    # NULL once the proposer left the group or deleted their account.
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default=ProposalStatus.OPEN)
    # The meeting it was picked for (its theme); NULL: not picked.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting | None] = relationship()


class ThemeSupport(db.Model):
    """One member's support of a proposal, under a keyed hash: no person, no time."""

    __tablename__ = "theme_supports"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("theme_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    supporter: Mapped[str] = mapped_column(String(SUPPORTER_LENGTH), primary_key=True)
