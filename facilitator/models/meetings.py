"""Meeting series (recurring rules) and meetings (stored occurrences, one-offs).

Times are local wall-clock times in the series' or meeting's time zone.
A series occurrence is stored as a Meeting only when it carries something of
its own (cancelled, moved, a note); a one-off meeting is a Meeting without a
series.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.domain.recurrence import Rule
from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow
from facilitator.models.groups import Group
from facilitator.models.rooms import Room

TITLE_MAX = 120
LOCATION_MAX = 200
NOTE_MAX = 1000
REASON_MAX = 200
THEME_MAX = 120
OUTLINE_MAX = 1000


def new_uid() -> str:
    return f"{uuid.uuid4()}@facilitator"


class MeetingSeries(db.Model):
    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    # The series this one continues after a change "from this date on".
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="SET NULL")
    )
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    location: Mapped[str] = mapped_column(String(LOCATION_MAX), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # A room of the group's centre (models/rooms.py): the weekly booking,
    # confirmed until a date (re-confirmed yearly by the group, else freed).
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("rooms.id", ondelete="SET NULL"), index=True
    )
    room_confirmed_until: Mapped[date | None] = mapped_column(Date)
    # The ``room_confirmed_until`` the co-responsibles were reminded of.
    room_reminded_for: Mapped[date | None] = mapped_column(Date)
    # The first occurrence (the RRULE's DTSTART is always an occurrence).
    start_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    freq: Mapped[str] = mapped_column(String(8))
    interval: Mapped[int] = mapped_column(SmallInteger, default=1)
    byday: Mapped[str] = mapped_column(String(27), default="")  # "TU,TH"
    setpos: Mapped[int | None] = mapped_column(SmallInteger)
    monthday: Mapped[int | None] = mapped_column(SmallInteger)
    count: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[date | None] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    group: Mapped[Group] = relationship()
    room: Mapped[Room | None] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="series", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def rule(self) -> Rule:
        return Rule.stored(
            self.freq,
            self.interval,
            self.byday,
            self.setpos,
            self.monthday,
            self.count,
            self.until,
        )

    @rule.setter
    def rule(self, rule: Rule) -> None:
        self.freq = rule.freq
        self.interval = rule.interval
        self.byday = ",".join(rule.byday)
        self.setpos = rule.setpos
        self.monthday = rule.monthday
        self.count = rule.count
        self.until = rule.until

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("series_id", "original_start"),
        # A centre's statistics count each group's meetings of a period.
        Index("ix_meetings_group_id_start", "group_id", "start"),
        Index("ix_meetings_group_id_original_start", "group_id", "original_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="CASCADE")
    )
    # For an occurrence: where the series put it (local time); None for one-offs.
    original_start: Mapped[datetime | None] = mapped_column(DateTime)
    # Where it actually is (local time); equals original_start unless moved.
    start: Mapped[datetime] = mapped_column(DateTime, index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    # Overrides: None means "as the series says".
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(LOCATION_MAX))
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    note: Mapped[str | None] = mapped_column(Text)
    # The evening's theme and outline (None: the group's usual outline);
    # shown to members only, never in a feed or an email subject.
    theme: Mapped[str | None] = mapped_column(String(THEME_MAX))
    outline: Mapped[str | None] = mapped_column(Text)
    # None: the group's usual online link; "": none for this meeting.
    online_link: Mapped[str | None] = mapped_column(String(300))
    # A one-off meeting in a room of the group's centre (an occurrence of a
    # series is in its series' room unless its place was changed).
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("rooms.id", ondelete="SET NULL"), index=True
    )
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    cancel_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    uid: Mapped[str] = mapped_column(String(80), default=new_uid)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")
    group: Mapped[Group] = relationship()

    @property
    def is_one_off(self) -> bool:
        return self.series_id is None

    def carries_nothing(self) -> bool:
        """True when this occurrence no longer differs from its series."""
        return (
            self.series_id is not None
            and not self.cancelled
            and self.start == self.original_start
            and self.duration_minutes is None
            and self.location is None
            and self.title is None
            and not self.note
            and not self.theme
            and self.outline is None
            and self.online_link is None
            and not getattr(self, "assignments", None)  # roles keep it stored
        )
