"""Messages that visitors of the public directory send to a listed group."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow

SENDER_MAX = 80
CONTACT_MAX = 200
BODY_MAX = 2000


class ContactMessage(db.Model):
    __tablename__ = "contact_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    sender_name: Mapped[str] = mapped_column(String(SENDER_MAX))
    # How the visitor wants to be reached (an email address or a phone number).
    sender_contact: Mapped[str] = mapped_column(String(CONTACT_MAX))
    body: Mapped[str] = mapped_column(Text)
    # Set when a self-help centre forwarded a visitor's request to the group
    # (the visitor consented): the Messages page marks it "from the centre".
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
