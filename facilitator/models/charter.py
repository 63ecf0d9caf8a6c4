"""A group's charter: its rules, every version kept, and who has read which.

One ``Charter`` row per group says which version is current, which one every
member must have read (the last one saved with "members must read it again")
and when the group reviews it next. Each ``CharterVersion`` keeps its text,
date and author. A member's ``CharterAcknowledgement`` holds the number of the
version they last agreed to (one row per membership: the latest is all the
group needs to know).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.users import User

TEXT_MAX = 5000


class Charter(db.Model):
    __tablename__ = "charters"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    current_number: Mapped[int] = mapped_column(Integer, default=1)
    # The version every member must have read; 0: nobody is asked (the
    # template a group starts from, until its co-responsibles ask).
    required_number: Mapped[int] = mapped_column(Integer, default=0)
    review_on: Mapped[date] = mapped_column(Date)
    # The review date the co-responsible members were emailed about (once).
    review_reminded_for: Mapped[date | None] = mapped_column(Date)


class CharterVersion(db.Model):
    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # (the unique constraint's index serves the group's versions)
    group_id: Mapped[int] = mapped_column(ForeignKey("charters.group_id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # Saved with "members must read it again" (a change in substance).
    must_reread: Mapped[bool] = mapped_column(Boolean, default=False)
    # The usual template, as the group got it when it started.
    from_template: Mapped[bool] = mapped_column(Boolean, default=False)
    # NULL for the template, and once the author's account is deleted.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()


class CharterAcknowledgement(db.Model):
    __tablename__ = "charter_acknowledgements"

    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
