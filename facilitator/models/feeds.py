"""Secret calendar-feed links: personal (all of a user's groups) or per group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.groups import Group
from facilitator.models.users import User

LABEL_MAX = 60


class FeedToken(db.Model):
    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # None: the user's personal feed; else the feed of this group.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(LABEL_MAX))
    # SHA-256 of the token; the token is shown once at creation.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
    group: Mapped[Group | None] = relationship()
