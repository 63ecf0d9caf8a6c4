"""Meeting roles: the types a group defines, who is willing, who holds which slot,
and when members are away."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.groups import Group, Membership
from facilitator.models.meetings import Meeting

ROLE_NAME_MAX = 60
ROLE_DESCRIPTION_MAX = 300
# A role's guide: a short checklist (domain.guide), empty for none.
ROLE_GUIDE_MAX = 2000
MAX_SLOTS = 5
UNAVAILABILITY_NOTE_MAX = 200


class RoleType(db.Model):
    __tablename__ = "role_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(ROLE_NAME_MAX))
    description: Mapped[str] = mapped_column(String(ROLE_DESCRIPTION_MAX), default="")
    guide: Mapped[str] = mapped_column(Text, default="", server_default="")
    slots: Mapped[int] = mapped_column(SmallInteger, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    group: Mapped[Group] = relationship()


class RoleOptIn(db.Model):
    """A member is willing to take a role."""

    __tablename__ = "role_opt_ins"
    __table_args__ = (UniqueConstraint("membership_id", "role_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    role_type_id: Mapped[int] = mapped_column(ForeignKey("role_types.id", ondelete="CASCADE"))


class RoleAssignment(db.Model):
    """Who holds one slot of a role at one meeting.

    The database enforces one holder per (meeting, role, slot), and, through
    ``exclusive_holder`` (the membership, or NULL where the group allows
    several roles per member), one role per member per meeting.
    """

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("meeting_id", "role_type_id", "slot", name="uq_role_assignments_slot"),
        UniqueConstraint(
            "meeting_id", "exclusive_holder", name="uq_role_assignments_one_per_member"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    role_type_id: Mapped[int] = mapped_column(ForeignKey("role_types.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(SmallInteger, default=0)
    # NULL once the holder's membership has ended (shown as "former member").
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="SET NULL"), index=True
    )
    exclusive_holder: Mapped[int | None] = mapped_column(Integer)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the holder was reminded by email (reminders are sent once).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(
        backref=backref("assignments", passive_deletes=True, cascade="all, delete-orphan")
    )
    role_type: Mapped[RoleType] = relationship()
    membership: Mapped[Membership | None] = relationship()


class Unavailability(db.Model):
    """A member is away from ``first`` to ``last`` (inclusive)."""

    __tablename__ = "unavailabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(UNAVAILABILITY_NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SwapRequest(db.Model):
    """A member offers their role to another member: as a hand-over, or in
    exchange for one of that member's roles. It takes effect on acceptance."""

    __tablename__ = "swap_requests"
    # A request is deleted once answered: each row is open. The same offer
    # cannot be open twice (a double tap sends one email).
    __table_args__ = (
        Index(
            "uq_swap_requests_exchange",
            "assignment_id",
            "to_membership_id",
            "other_assignment_id",
            unique=True,
        ),
        Index(
            "uq_swap_requests_hand_over",
            "assignment_id",
            "to_membership_id",
            unique=True,
            sqlite_where=text("other_assignment_id IS NULL"),
            postgresql_where=text("other_assignment_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("role_assignments.id", ondelete="CASCADE"), index=True
    )
    # The role asked for in exchange (None: a plain hand-over).
    other_assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("role_assignments.id", ondelete="CASCADE")
    )
    from_membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    to_membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assignment: Mapped[RoleAssignment] = relationship(foreign_keys=[assignment_id])
    other_assignment: Mapped[RoleAssignment | None] = relationship(
        foreign_keys=[other_assignment_id]
    )
    from_membership: Mapped[Membership] = relationship(foreign_keys=[from_membership_id])
    to_membership: Mapped[Membership] = relationship(foreign_keys=[to_membership_id])
