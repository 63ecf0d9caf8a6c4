"""What goes through a self-help centre: a group's request to be listed in
the public directory, and visitors' requests to a centre ("I am looking for a
group about …").

A referral names the visitor (as they chose to be named) and how to reach
them; it never names a member of a group. Both are purged after 180 days
(services.retention).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.contact import CONTACT_MAX, SENDER_MAX

REASON_MAX = 1000
ANSWER_MAX = 5000

# The listing criteria staff check before approving (the Swiss self-help
# network's: self-led, regular meetings, confidentiality, non-profit).
LISTING_CRITERIA = ("self_led", "regular", "confidential", "non_profit")


class ListingStatus:
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"


class ListingRequest(db.Model):
    """A group's request to its centre to be listed in the directory: one row
    per group, its latest request (the group's history keeps the others)."""

    __tablename__ = "listing_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), unique=True)
    # The centre asked; a group that detaches or changes centre leaves its
    # request behind (staff see only requests of groups attached to them).
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=ListingStatus.PENDING)
    # Why staff sent it back (shown to the co-responsibles).
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReferralStatus:
    NEW = "new"
    ANSWERED = "answered"
    FORWARDED = "forwarded"
    CLOSED = "closed"


REFERRAL_STATUSES = (
    ReferralStatus.NEW,
    ReferralStatus.ANSWERED,
    ReferralStatus.FORWARDED,
    ReferralStatus.CLOSED,
)


class Referral(db.Model):
    """A visitor's request to a centre, from the public directory."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    sender_name: Mapped[str] = mapped_column(String(SENDER_MAX))
    # How the visitor wants to be reached (an email address or a phone number).
    sender_contact: Mapped[str] = mapped_column(String(CONTACT_MAX))
    body: Mapped[str] = mapped_column(Text)
    # "The centre may pass my request to a group": without it, never forwarded.
    # The language the visitor wrote in (the answer's subject and footer use it).
    language: Mapped[str] = mapped_column(String(5), default="fr")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=ReferralStatus.NEW)
    # The group it was forwarded to (NULL once that group is deleted).
    forwarded_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
