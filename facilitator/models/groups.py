"""Groups, their members and the invitations that bring new members in."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from facilitator.models.centres import Centre
    from facilitator.models.users import User

NAME_MAX = 120
DESCRIPTION_MAX = 2000
LOCATION_MAX = 200

THEMES = ("health", "psychological", "addiction", "grief", "family", "social", "other")
LANGUAGES = ("fr", "it", "de")
# The cantons where the groups are, Romandie and Ticino first, then the rest.
CANTONS = (
    "VD",
    "GE",
    "NE",
    "JU",
    "FR",
    "VS",
    "BE",
    "TI",
    "GR",
    "AG",
    "AI",
    "AR",
    "BL",
    "BS",
    "GL",
    "LU",
    "NW",
    "OW",
    "SG",
    "SH",
    "SO",
    "SZ",
    "TG",
    "UR",
    "ZG",
    "ZH",
)


class MemberRole(enum.StrEnum):
    CORESPONSIBLE = "coresponsible"
    MEMBER = "member"


class FeedTitleMode(enum.StrEnum):
    FULL = "full"
    DISCREET = "discreet"


class Group(db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str] = mapped_column(String(20), default="other")
    canton: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Zurich")
    default_location: Mapped[str] = mapped_column(String(LOCATION_MAX), default="")
    all_coresponsible: Mapped[bool] = mapped_column(Boolean, default=False)
    attendance_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    feed_title_mode: Mapped[str] = mapped_column(String(10), default=FeedTitleMode.FULL)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    # In the public directory: an optional neutral title shown instead of the
    # name, the town (never the address), and whether newcomers are welcome now.
    directory_title: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    town: Mapped[str] = mapped_column(String(80), default="")
    accepting_newcomers: Mapped[bool] = mapped_column(Boolean, default=True)
    # Roles: how long before a meeting a member may still release a role
    # alone, and whether one member may hold several roles at one meeting.
    role_release_hours: Mapped[int] = mapped_column(Integer, default=48)
    several_roles_per_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    # Meeting notes and attendance figures older than this many months are
    # deleted by `flask purge` (None: kept).
    retention_months: Mapped[int | None] = mapped_column(Integer)
    # Group feeds list who holds which role (by display name) unless turned off.
    feed_show_roles: Mapped[bool] = mapped_column(Boolean, default=True)
    # The usual outline of a meeting (domain.outline); empty: the default one,
    # in the group's language.
    outline: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The usual online link (https) for hybrid or video meetings, for members only.
    online_link: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The self-help centre the co-responsibles attached the group to (None:
    # none); "being founded" while a centre prepares it for its first members;
    # what it shares with its centre (health signals on, yearly figures off).
    centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("centres.id", ondelete="SET NULL"), index=True
    )
    founding: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the centre that founded the group handed it over to its first
    # member (services/founding.py): never who.
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    share_signals: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    share_figures: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Bumped on every change that touches meetings (feeds use it for ETags).
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Membership.id"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )
    centre: Mapped[Centre | None] = relationship()

    def __repr__(self) -> str:
        return f"<Group {self.id}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=MemberRole.MEMBER)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "I am willing to be a welcome contact for newcomers" (services.welcome).
    welcome_willing: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    group: Mapped[Group] = relationship(back_populates="memberships")

    @property
    def is_coresponsible(self) -> bool:
        """Co-responsible by role, or because the group makes everyone so."""
        return self.role == MemberRole.CORESPONSIBLE or self.group.all_coresponsible

    @classmethod
    def select_for(cls, user_id: int, group_id: int):
        return select(cls).where(cls.user_id == user_id, cls.group_id == group_id)


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    max_uses: Mapped[int | None] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A centre's hand-over link of a group being founded (services/founding.py):
    # single use, its user becomes the first member and co-responsible.
    handover: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    group: Mapped[Group] = relationship(back_populates="invitations")
    created_by: Mapped[User | None] = relationship()

    def is_open(self, now: datetime) -> bool:
        return (
            self.revoked_at is None
            and self.expires_at > now
            and (self.max_uses is None or self.uses < self.max_uses)
        )
