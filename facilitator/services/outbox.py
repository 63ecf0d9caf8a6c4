"""The email outbox: messages written in the transaction of the change that
causes them, sent one by one afterwards, retried, given up, then forgotten.

- ``store`` writes a unit's queued messages (``unit.commit`` calls it just
  before its commit: a change and its emails are saved together or not at
  all).
- ``send_next`` takes the oldest message that is due, locked with ``FOR
  UPDATE SKIP LOCKED`` on PostgreSQL so that several workers on several
  machines never take the same one, sends it and records how it went; the
  caller commits (``unit.send_waiting``), which releases the lock. A worker
  that dies while sending rolls back: the message waits for the next one.
- A server that is down, slow or busy: the message is tried again later, at
  growing intervals (1, 2, 4 … minutes, then every hour), for two days. A
  server that refuses it for good (an unknown address): it is given up at
  once. Either way its text is deleted as soon as it is sent or given up;
  ``forget`` deletes the rows themselves after a few days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from facilitator.extensions import db
from facilitator.models.outbox import FAILED, SENT, WAITING, OutboxMessage
from facilitator.services import mail
from facilitator.services.sql import rows_changed

# How long a message is tried again before it is given up.
GIVE_UP_AFTER = timedelta(days=2)
# The longest wait between two attempts.
LONGEST_WAIT = timedelta(hours=1)
# How long the counts of a sent or failed message stay (its text is gone at once).
KEEP_DONE = timedelta(days=30)
# A message still waiting this long after it was written is stuck: the mail
# server has been failing, or no worker is running.
STUCK_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Outcome:
    """How one attempt went: ``sent``, ``retry`` (waits for its next try) or
    ``failed`` (given up)."""

    status: str
    person: int | None


def store(messages: list[mail.Queued]) -> mail.MailReport:
    """Write ``messages`` to the outbox in the current transaction."""
    report = mail.MailReport()
    for item in messages:
        db.session.add(
            OutboxMessage(
                message=mail.as_text(item.message),
                person_id=item.person,
                group_id=item.group_id,
                meeting_key=item.meeting_key,
            )
        )
        report.queued += 1
        if item.person is not None:
            report.people.add(item.person)
    return report


def wait_before(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes,
    at most an hour."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), LONGEST_WAIT)


def send_next(now: datetime) -> Outcome | None:
    """Send the oldest message due at ``now`` (None: nothing is due). The
    caller commits."""
    row = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == WAITING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:
        return None
    row.attempts += 1
    try:
        mail.send(mail.from_text(row.message or ""))
    except mail.SendFailure as failure:
        row.error = failure.reason[:80]
        if failure.permanent or now - row.created_at >= GIVE_UP_AFTER:
            _done(row, FAILED, now)
        else:
            row.next_attempt_at = now + wait_before(row.attempts)
            return Outcome("retry", row.person_id)
    else:
        row.error = None
        _done(row, SENT, now)
    return Outcome(row.status, row.person_id)


def _done(row: OutboxMessage, status: str, now: datetime) -> None:
    row.status = status
    row.done_at = now
    row.message = None  # nothing of the text stays once it has left or been given up


@dataclass(frozen=True)
class MeetingMail:
    """The people emailed about one meeting, by how it went (each person in
    the worst of their messages' states: failed, then waiting, then told)."""

    told: int = 0
    waiting: int = 0
    failed: int = 0

    @property
    def any(self) -> bool:
        return bool(self.told or self.waiting or self.failed)


def about_meeting(group_id: int, meeting_key: str) -> MeetingMail:
    """How the emails about a meeting went, counted in people."""
    rows = db.session.execute(
        select(OutboxMessage.person_id, OutboxMessage.status).where(
            OutboxMessage.group_id == group_id, OutboxMessage.meeting_key == meeting_key
        )
    ).all()
    worst: dict[object, str] = {}
    rank = {SENT: 0, WAITING: 1, FAILED: 2}
    for index, (person, status) in enumerate(rows):
        who = person if person is not None else ("gone", index)
        if rank[status] >= rank[worst.get(who, SENT)]:
            worst[who] = status
    states = list(worst.values())
    return MeetingMail(states.count(SENT), states.count(WAITING), states.count(FAILED))


@dataclass(frozen=True)
class Backlog:
    """The outbox as its operators see it."""

    waiting: int
    stuck: int  # waiting for longer than STUCK_AFTER
    failed_recently: int  # given up in the last day
    oldest_waiting: datetime | None


def backlog(now: datetime) -> Backlog:
    waiting, oldest = db.session.execute(
        select(func.count(OutboxMessage.id), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == WAITING
        )
    ).one()
    stuck = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status == WAITING, OutboxMessage.created_at < now - STUCK_AFTER
        )
    )
    failed = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.status == FAILED, OutboxMessage.done_at >= now - timedelta(days=1)
        )
    )
    return Backlog(waiting, stuck or 0, failed or 0, oldest)


def forget(now: datetime) -> int:
    """Delete the rows of messages sent or given up more than KEEP_DONE ago."""
    return rows_changed(
        delete(OutboxMessage).where(
            OutboxMessage.status != WAITING, OutboxMessage.done_at < now - KEEP_DONE
        )
    )
