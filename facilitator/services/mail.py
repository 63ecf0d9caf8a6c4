"""Email: messages are rendered and queued during a unit of work, and sent
after its commit (``services.unit.commit``, the one place that calls
``send_queued``); a rollback drops them. SMTP in production, files under
instance/mail in development.

Tests use the ``memory`` backend, which keeps the messages in
``app.extensions["mail_outbox"]``.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from facilitator.extensions import db
from facilitator.i18n import locale_for
from facilitator.services.errors import MailError

log = logging.getLogger(__name__)

# Runs of whitespace, line breaks included, but not the no-break spaces that
# French puts before a colon ("Annulée : …").
SPACES = re.compile(r"(?:(?![\u00a0\u202f])\s)+")


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    # A header is one line: whatever a name carried, it cannot add another.
    msg["Subject"] = SPACES.sub(" ", subject).strip()
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="facilitator")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


@dataclass
class MailReport:
    """What became of the mail of a unit of work: how many messages went and
    how many could not, the ids of the people told (each counted once), and
    the ``key`` of each message that failed (see ``queue``)."""

    sent: int = 0
    failed: int = 0
    people: set[int] = field(default_factory=set)
    failed_keys: list[object] = field(default_factory=list)


@dataclass(frozen=True)
class Queued:
    """A rendered message waiting for its unit's commit; ``person`` is the
    user id it counts as told, ``key`` what its sender wants back if it fails."""

    message: EmailMessage
    person: int | None = None
    key: object = None


QUEUE = "facilitator.mail_queue"


def queue(message: EmailMessage, person: int | None = None, key: object = None) -> None:
    """Keep ``message`` to be sent once the current unit of work commits."""
    db.session.info.setdefault(QUEUE, []).append(Queued(message, person, key))


def queued() -> list[Queued]:
    """The messages waiting for the current unit's commit."""
    return list(db.session.info.get(QUEUE, ()))


def take_queued() -> list[Queued]:
    """Empty the queue, returning what it held (the unit is about to commit)."""
    return db.session.info.pop(QUEUE, [])


def drop_queued() -> None:
    """Forget the queued messages: their change was not saved."""
    db.session.info.pop(QUEUE, None)


def send_queued(messages: list[Queued]) -> MailReport:
    """Send committed messages one by one; a failing one never stops the others."""
    report = MailReport()
    for item in messages:
        try:
            send(item.message)
        except MailError:
            report.failed += 1
            report.failed_keys.append(item.key)
            continue
        report.sent += 1
        if item.person is not None:
            report.people.add(item.person)
    return report


def send_template(
    to: str,
    language: str,
    subject: Callable[[], str],
    template: str,
    *,
    person: int | None = None,
    key: object = None,
    **context: object,
) -> None:
    """Queue a text template, and a subject given as a function (so that it is
    translated here), rendered now in the recipient's ``language``; it leaves
    after the commit of the unit of work."""
    with force_locale(locale_for(language)):
        title = subject()
        body = render_template(template, **context)
    queue(build_message(to, title, body), person, key)


def send(msg: EmailMessage) -> None:
    """Send one message now; raise MailError when it cannot be sent."""
    backend = current_app.config["MAIL_BACKEND"]
    try:
        if backend == "memory":
            current_app.extensions.setdefault("mail_outbox", []).append(msg)
        elif backend == "file":
            _write_file(msg)
        else:
            _send_smtp(msg)
    except (OSError, smtplib.SMTPException) as exc:
        # Never log the address or the body: they may hold a secret link.
        log.warning("mail could not be sent: %s", type(exc).__name__)
        raise MailError() from exc


def _write_file(msg: EmailMessage) -> None:
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    name = msg["Message-ID"].strip("<>").replace("@", "_") + ".eml"
    path = folder / name
    # Readable as plain text: headers, a blank line, the decoded body.
    headers = "".join(
        f"{key}: {value}\n"
        for key, value in msg.items()
        if key not in ("Content-Transfer-Encoding",)
    )
    path.write_text(headers + "\n" + msg.get_content(), encoding="utf-8")
    log.info("mail written to %s", path)
    print(f"[facilitator] mail written to {path}")


def _send_smtp(msg: EmailMessage) -> None:
    cfg = current_app.config
    timeout = cfg["MAIL_TIMEOUT"]
    smtp: smtplib.SMTP
    if cfg["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(
            cfg["MAIL_SERVER"],
            cfg["MAIL_PORT"],
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
    with smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(msg)
