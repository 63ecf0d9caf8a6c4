"""Polls for group decisions: a question, its options, and the ballots.

A ballot is stored under a keyed hash of (poll, member): the app recognises
its author's own ballot (so that it can be changed) and can tell whether a
given member has answered, but the ballot tables hold no column and no
foreign key that leads to a person, and no timestamp. An open ballot's
author is named in ``poll_open_voters``, which is written for open polls
only.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow

QUESTION_MAX = 200
OPTION_MAX = 120
MIN_OPTIONS = 2
MAX_OPTIONS = 20
VOTER_LENGTH = 64  # a SHA-256 HMAC in hex


class PollKind(enum.StrEnum):
    TEXT = "text"  # options in words
    DATES = "dates"  # a day and a time each (a meeting)
    PERIODS = "periods"  # a first and a last day each (a break)


class Poll(db.Model):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(String(QUESTION_MAX))
    kind: Mapped[str] = mapped_column(String(10), default=PollKind.TEXT)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    secret: Mapped[bool] = mapped_column(Boolean, default=True)
    # Results shown while the poll is open (else only once it has closed).
    live_results: Mapped[bool] = mapped_column(Boolean, default=False)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when a co-responsible member closed it before ``closes_at``, or to
    # ``closes_at`` once the worker wrote its end in the group's history.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The one reminder to those who had not answered.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The meeting a date poll's winner became.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="PollOption.position",
    )

    def end(self) -> datetime:
        """When the poll closed or closes."""
        if self.closed_at is not None and self.closed_at < self.closes_at:
            return self.closed_at
        return self.closes_at

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and now < self.closes_at


class PollOption(db.Model):
    __tablename__ = "poll_options"
    # (poll_id, id) is what a choice names, so that the database itself
    # refuses a choice of another poll's option.
    __table_args__ = (UniqueConstraint("poll_id", "id", name="uq_poll_options_poll_id_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    label: Mapped[str] = mapped_column(String(OPTION_MAX), default="")
    # A date poll: the day and the local time; a period poll: the first and
    # the last day.
    day: Mapped[date | None] = mapped_column(Date)
    at: Mapped[time | None] = mapped_column(Time)
    last_day: Mapped[date | None] = mapped_column(Date)

    poll: Mapped[Poll] = relationship(back_populates="options")

    @property
    def start(self) -> datetime | None:
        """A date option's local wall-clock start."""
        if self.day is None or self.at is None:
            return None
        return datetime.combine(self.day, self.at)


class PollBallot(db.Model):
    """One member's answer to a poll, under a keyed hash: no person, no time."""

    __tablename__ = "poll_ballots"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    voter: Mapped[str] = mapped_column(String(VOTER_LENGTH), primary_key=True)


class _OfABallot:
    """A row of one ballot: keyed by the ballot's (poll_id, voter) and
    deleted with it (see ``_ballot_key``). The two columns come first, as
    the migration made them (the primary key's order)."""

    poll_id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    voter: Mapped[str] = mapped_column(String(VOTER_LENGTH), primary_key=True, sort_order=-1)


def _ballot_key(table: str) -> ForeignKeyConstraint:
    """``table``'s (poll_id, voter) names a ballot, and goes with it."""
    return ForeignKeyConstraint(
        ["poll_id", "voter"],
        ["poll_ballots.poll_id", "poll_ballots.voter"],
        ondelete="CASCADE",
        name=f"fk_{table}_ballot",
    )


class PollChoice(_OfABallot, db.Model):
    """An option chosen on a ballot (several for a multiple-choice poll)."""

    __tablename__ = "poll_choices"
    __table_args__ = (
        _ballot_key(__tablename__),
        ForeignKeyConstraint(
            ["poll_id", "option_id"],
            ["poll_options.poll_id", "poll_options.id"],
            ondelete="CASCADE",
            name="fk_poll_choices_option",
        ),
    )

    option_id: Mapped[int] = mapped_column(primary_key=True, index=True)


class PollOpenVoter(_OfABallot, db.Model):
    """Who cast a ballot of an open poll (names are visible to members).
    Never written for a secret poll."""

    __tablename__ = "poll_open_voters"
    __table_args__ = (_ballot_key(__tablename__),)

    # NULL once the account is deleted ("a former member"); the ballot stays.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
