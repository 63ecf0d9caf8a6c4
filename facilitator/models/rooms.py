"""Rooms a self-help centre lends to its groups.

A group's weekly booking of a room is a meeting series that uses it
(``MeetingSeries.room_id``, with ``room_confirmed_until``): it lasts a year
and is re-confirmed by the group, or freed. A one-off meeting may use a room
too (``Meeting.room_id``). Nothing here points from a room to a member.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.centres import Centre

ROOM_NAME_MAX = 80
ROOM_ADDRESS_MAX = 110  # name, ", " and address fit a meeting's place (200)
ROOM_NOTES_MAX = 500
CAPACITY_MAX = 10_000


class Room(db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(ROOM_NAME_MAX))
    address: Mapped[str] = mapped_column(String(ROOM_ADDRESS_MAX), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    # For the groups that use it (for example: the key is at the reception).
    notes: Mapped[str] = mapped_column(Text, default="")
    # A retired room is no longer offered; its bookings were freed.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    centre: Mapped[Centre] = relationship()

    @property
    def place(self) -> str:
        """The place members see: the room's name and address."""
        return f"{self.name}, {self.address}" if self.address else self.name

    def __repr__(self) -> str:
        return f"<Room {self.id}>"
