"""One unit of work per request (or per maintenance command).

The rule: services change the session and never commit (a service that needs
ids flushes; one that expects a unique-constraint conflict wraps the insert in
a savepoint, ``db.session.begin_nested()``). Emails written during the unit
are rendered at once, in the recipient's language, and queued
(``mail.send_template``). The caller (a view, after its service calls; a
``flask`` command) ends the unit once:

- ``commit()`` writes the queued emails to the outbox and saves everything in
  one transaction (a change and its emails are saved together or not at all),
  then hands the emails to whoever sends them (see ``OUTBOX_DRAIN`` below) and
  returns a ``MailReport`` (how many, to whom), which the views show with
  ``feedback.flash_report``;
- ``rollback()`` (also done by the error handlers and ``flash_error``) undoes
  the changes and drops the queued emails: nothing is sent about a change that
  was not saved.

Who sends the outbox (config ``OUTBOX_DRAIN``): ``worker``, the ``flask
worker`` process (production); ``thread``, a thread of the app's own process
(``make run``); ``inline``, this module, right after the commit (the tests).
A page never waits for a mail server in the first two.

This module is the only place that commits: ``send_waiting`` commits once per
message sent, which releases that message's lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from facilitator.extensions import db
from facilitator.models._common import utcnow
from facilitator.services import mail, outbox
from facilitator.services.mail import MailReport

log = logging.getLogger(__name__)

__all__ = ["MailReport", "SendReport", "commit", "has_unsaved_changes", "rollback", "send_waiting"]

# Set by a flush, cleared when the transaction ends: there is something to
# commit (or to roll back) in this unit.
CHANGED = "facilitator.unit_changed"
# Called after a commit that wrote emails, when a thread sends them.
WAKE = "facilitator.outbox_wake"


def commit(send: bool = True) -> MailReport:
    """Save the unit's changes and its emails in one transaction, then have
    the emails sent (``send=False``: the caller sends them itself, with
    ``send_waiting``, and reports how it went)."""
    report = outbox.store(mail.take_queued())
    db.session.commit()
    if report.queued and send:
        drain = current_app.config["OUTBOX_DRAIN"]
        wake = current_app.extensions.get(WAKE)
        if drain == "inline":
            send_waiting()
        elif drain == "thread" and wake is not None:
            wake()
    return report


def rollback() -> None:
    """Undo the unit's changes and forget its mail."""
    db.session.rollback()
    mail.drop_queued()


@dataclass
class SendReport:
    """What one pass over the outbox did: messages sent, given up, and left
    waiting for a later try; the people of the messages not sent."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0
    people_not_told: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not (self.failed or self.retrying)


def send_waiting(now: datetime | None = None) -> SendReport:
    """Send every message of the outbox that is due, each in a transaction of
    its own (committed as soon as it is sent: a later failure never sends it
    twice)."""
    report = SendReport()
    # The outbox keeps the wall clock's time (not ``clock.now``, which tests
    # set to the day of their meetings).
    when = now or utcnow()
    while (outcome := outbox.send_next(when)) is not None:
        db.session.commit()
        if outcome.status == "sent":
            report.sent += 1
            continue
        if outcome.status == "failed":
            report.failed += 1
        else:
            report.retrying += 1
        if outcome.person is not None:
            report.people_not_told.add(outcome.person)
    db.session.commit()  # the pass that found nothing due ends its transaction too
    return report


def has_unsaved_changes() -> bool:
    """Whether the unit changed something that neither commit nor rollback ended."""
    session = db.session()
    return bool(session.info.get(CHANGED) or session.new or session.dirty or session.deleted)


@event.listens_for(Session, "after_flush")
def _changed(session: Session, _context: object) -> None:
    session.info[CHANGED] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(CHANGED, None)
        # A commit took its mail first (see commit): whatever is left belonged
        # to changes that were rolled back.
        session.info.pop(mail.QUEUE, None)
