"""One unit of work per request (or per maintenance command).

The rule: services change the session and never commit (a service that needs
ids flushes; one that expects a unique-constraint conflict wraps the insert in
a savepoint, ``db.session.begin_nested()``). Emails written during the unit
are rendered at once, in the recipient's language, and queued
(``mail.send_template``). The caller (a view, after its service calls; a
``flask`` command) ends the unit once:

- ``commit()`` saves everything in one transaction, then sends the queued
  emails and returns a ``MailReport`` (who was told, what failed), which the
  views show with ``feedback.flash_report``;
- ``rollback()`` (also done by the error handlers and ``flash_error``) undoes
  the changes and drops the queued emails: nothing is sent about a change that
  was not saved.

This module is the only place that commits, and ``commit`` the one place
where queued mail leaves: a durable outbox would write the queued messages
to its table just before the commit, in the same transaction, instead of
sending them after it.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from facilitator.extensions import db
from facilitator.services import mail
from facilitator.services.mail import MailReport

log = logging.getLogger(__name__)

__all__ = ["MailReport", "commit", "has_unsaved_changes", "rollback"]

# Set by a flush, cleared when the transaction ends: there is something to
# commit (or to roll back) in this unit.
CHANGED = "facilitator.unit_changed"


def commit() -> MailReport:
    """Save the unit's changes in one transaction, then send its mail."""
    messages = mail.take_queued()
    db.session.commit()
    return mail.send_queued(messages)


def rollback() -> None:
    """Undo the unit's changes and forget its mail."""
    db.session.rollback()
    mail.drop_queued()


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
