"""The worker: sends the outbox's emails and runs the scheduled jobs
(reminders and the polls' ends every 15 minutes, the purge once a day), so
that a deployment needs no cron.

- ``flask worker`` runs it as a process of its own (production: one or more,
  on one or several machines, against one PostgreSQL; they share the work
  through row locks and never send an email twice).
- With ``OUTBOX_DRAIN=thread`` (``make run``) a thread of the app's process
  runs the same rounds, woken at once by each commit that wrote an email.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app, url_for

from facilitator.services import (
    charter,
    clock,
    jobs,
    notifications,
    polls,
    retention,
    rooms,
    unit,
)
from facilitator.services.retention import PurgeReport
from facilitator.services.unit import SendReport

log = logging.getLogger(__name__)


def queue_reminders(now: datetime) -> int:
    """Queue the reminders that are due (the caller commits); how many."""
    base = current_app.config["BASE_URL"]
    with current_app.test_request_context(base_url=base):
        return notifications.send_reminders(
            now,
            lambda group, key: url_for("meetings.show", group_id=group.id, key=key, _external=True),
        )


def queue_charter_reviews(now: datetime) -> int:
    """Queue the emails about charter reviews that are due (the caller
    commits); how many."""
    base = current_app.config["BASE_URL"]
    with current_app.test_request_context(base_url=base):
        return charter.remind_reviews(
            now, lambda group: url_for("charter.show", group_id=group.id, _external=True)
        )


def queue_room_bookings(now: datetime) -> int:
    """The rooms' daily job: reminders to confirm a booking, bookings freed
    (the caller commits); how many emails it queued."""
    base = current_app.config["BASE_URL"]
    with current_app.test_request_context(base_url=base):
        report = rooms.run_daily(
            now,
            lambda group: url_for("groups.show", group_id=group.id, _external=True),
        )
    return report.reminded + report.freed


def queue_and_send(
    queue: Callable[[datetime], int], when: datetime, now: datetime | None = None
) -> tuple[int, SendReport]:
    """One emailing job (the reminders, the charter reviews): queue its emails
    due at ``when``, commit them, then send what the outbox holds. Returns
    how many it queued and how the sending went. The worker's rounds and
    ``flask send-reminders`` run it."""
    queued = queue(when)
    unit.commit(send=False)
    return queued, unit.send_waiting(now)


@dataclass
class Round:
    """What one round of the worker did."""

    mail: SendReport = field(default_factory=SendReport)
    reminders: int | None = None  # None: not due this round
    charter_reviews: int | None = None  # None: not due this round
    polls_ended: int | None = None  # None: not due this round
    purge: PurgeReport | None = None
    room_bookings: int | None = None  # None: not due this round


def _merge(total: SendReport, more: SendReport) -> None:
    total.sent += more.sent
    total.failed += more.failed
    total.retrying += more.retrying
    total.people_not_told |= more.people_not_told


def run_round(now: datetime | None = None) -> Round:
    """Send what is due, then run the jobs that are due; in an app context."""
    when = now or clock.now()
    config = current_app.config
    result = Round()
    _merge(result.mail, unit.send_waiting(now))
    if jobs.claim("reminders", timedelta(minutes=config["REMINDERS_EVERY_MINUTES"]), when):
        result.reminders, sent = queue_and_send(queue_reminders, when, now)
        _merge(result.mail, sent)
    if jobs.claim("polls_ended", timedelta(minutes=config["REMINDERS_EVERY_MINUTES"]), when):
        result.polls_ended = polls.record_ended(when)
        unit.commit()
    if jobs.claim("charter_reviews", timedelta(hours=config["PURGE_EVERY_HOURS"]), when):
        result.charter_reviews, sent = queue_and_send(queue_charter_reviews, when, now)
        _merge(result.mail, sent)
    if jobs.claim("room_bookings", timedelta(hours=config["PURGE_EVERY_HOURS"]), when):
        result.room_bookings, sent = queue_and_send(queue_room_bookings, when, now)
        _merge(result.mail, sent)
    if jobs.claim("purge", timedelta(hours=config["PURGE_EVERY_HOURS"]), when):
        result.purge = retention.purge(when)
        unit.commit()
    jobs.beat(when)
    unit.commit()
    return result


def run(app: Flask, stop: threading.Event, wake: threading.Event | None = None) -> None:
    """Run rounds until ``stop`` is set, one every WORKER_POLL_SECONDS (or at
    once when ``wake`` is set). A failing round (the database away) is logged
    and tried again: the worker never dies of it."""
    poll = app.config["WORKER_POLL_SECONDS"]
    while not stop.is_set():
        with app.app_context():
            try:
                result = run_round()
            except Exception:
                log.exception("worker round failed; trying again in %s s", poll)
                unit.rollback()
            else:
                if result.mail.sent or result.mail.failed or result.mail.retrying:
                    log.info(
                        "mail sent: %d, given up: %d, to try again: %d",
                        result.mail.sent,
                        result.mail.failed,
                        result.mail.retrying,
                    )
        if wake is None:
            stop.wait(poll)
        else:
            wake.wait(poll)
            wake.clear()


class BackgroundSender:
    """The worker as a daemon thread of the app's own process
    (``OUTBOX_DRAIN=thread``), started by the first request."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.stop = threading.Event()
        self.woken = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=run, args=(self.app, self.stop, self.woken), daemon=True
                )
                self._thread.name = "facilitator-worker"
                self._thread.start()

    def wake(self) -> None:
        """A commit wrote emails: send them now."""
        self.start()
        self.woken.set()


def init_app(app: Flask) -> None:
    if app.config["OUTBOX_DRAIN"] != "thread":
        return
    sender = BackgroundSender(app)
    app.extensions[unit.WAKE] = sender.wake
    app.before_request(sender.start)
