"""Self-help centres: the organisations that host facilitator for their
groups, their staff, and the trail of what staff did.

A centre sees group-level facts and what a group chose to share, never who is
in a group: nothing here points from a centre to a member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, exists, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.groups import Group
from facilitator.models.users import EMAIL_MAX, User

CENTRE_NAME_MAX = 120


class Centre(db.Model):
    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(CENTRE_NAME_MAX), unique=True)
    # Canton codes it serves (models.groups.CANTONS) and the languages it works in.
    cantons: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The centre's public contact address (never a staff member's own).
    contact_email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    staff: Mapped[list[CentreStaff]] = relationship(
        back_populates="centre", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Centre {self.id}>"


class CentreStaff(db.Model):
    """An ordinary account given staff rights at a centre by an instance
    administrator (`flask admin`)."""

    __tablename__ = "centre_staff"

    centre_id: Mapped[int] = mapped_column(
        ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    centre: Mapped[Centre] = relationship(back_populates="staff")
    user: Mapped[User] = relationship()

    @classmethod
    def select_for(cls, user_id: int, centre_id: int):
        return select(cls).where(cls.user_id == user_id, cls.centre_id == centre_id)


# Whether an account is staff anywhere, read with the account itself (the
# page header's link to the staff pages costs no statement of its own).
User.is_staff = column_property(  # type: ignore[assignment]
    exists().where(CentreStaff.user_id == User.id).correlate_except(CentreStaff)
)


class StaffAction(db.Model):
    """Every action of a centre's staff (and of instance administrators on
    centres), for the instance administrators."""

    __tablename__ = "staff_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("centres.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The group it concerned, if any (NULL once the group is deleted).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
    centre: Mapped[Centre | None] = relationship()
    group: Mapped[Group | None] = relationship()
