"""Email: messages are rendered and queued during a unit of work, written to
the outbox by its commit (``services.unit.commit``), and sent by the worker
(``services.outbox``); a rollback drops them. SMTP in production, files under
instance/mail in development.

Tests use the ``memory`` backend, which keeps the messages in
``app.extensions["mail_outbox"]``.
"""

from __future__ import annotations

import email
import email.policy
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
    """What a unit of work wrote to the outbox: how many messages, and the ids
    of the people they go to (each counted once)."""

    queued: int = 0
    people: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Queued:
    """A rendered message waiting for its unit's commit; ``person`` is the
    user id it counts as told, ``group_id`` and ``meeting_key`` the meeting it
    is about (its page counts who was told)."""

    message: EmailMessage
    person: int | None = None
    group_id: int | None = None
    meeting_key: str | None = None


QUEUE = "facilitator.mail_queue"


def queue(
    message: EmailMessage,
    person: int | None = None,
    group_id: int | None = None,
    meeting_key: str | None = None,
) -> None:
    """Keep ``message`` to be written to the outbox when the current unit of
    work commits."""
    db.session.info.setdefault(QUEUE, []).append(Queued(message, person, group_id, meeting_key))


def queued() -> list[Queued]:
    """The messages waiting for the current unit's commit."""
    return list(db.session.info.get(QUEUE, ()))


def take_queued() -> list[Queued]:
    """Empty the queue, returning what it held (the unit is about to commit)."""
    return db.session.info.pop(QUEUE, [])


def drop_queued() -> None:
    """Forget the queued messages: their change was not saved."""
    db.session.info.pop(QUEUE, None)


def send_template(
    to: str,
    language: str,
    subject: Callable[[], str],
    template: str,
    *,
    person: int | None = None,
    about: tuple[int, str] | None = None,
    **context: object,
) -> None:
    """Queue a text template, and a subject given as a function (so that it is
    translated here), rendered now in the recipient's ``language``; it is
    written to the outbox with the unit of work's commit. ``about``: the
    (group id, meeting key) of the meeting it is about."""
    with force_locale(locale_for(language)):
        title = subject()
        body = render_template(template, **context)
    group_id, meeting_key = about or (None, None)
    queue(
        build_message(to, title, body),
        person=person,
        group_id=group_id,
        meeting_key=meeting_key,
    )


class SendFailure(Exception):
    """A message could not be sent. ``permanent``: the server refused it for
    good (an unknown address), so trying again is useless; ``reason``: the
    exception's name and SMTP code, never an address or a line of the text."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def send(msg: EmailMessage) -> None:
    """Send one message now; raise SendFailure when it cannot be sent."""
    backend = current_app.config["MAIL_BACKEND"]
    try:
        if backend == "memory":
            current_app.extensions.setdefault("mail_outbox", []).append(msg)
        elif backend == "file":
            _write_file(msg)
        else:
            _send_smtp(msg)
    except (OSError, smtplib.SMTPException) as exc:
        failure = _failure(exc)
        # Never log the address or the body: they may hold a secret link.
        log.warning("mail could not be sent: %s", failure.reason)
        raise failure from exc


def _failure(exc: Exception) -> SendFailure:
    """Sort a failure: a recipient or a message refused with a 5xx code is
    refused for good; anything else (a server down, slow, busy, a 4xx) may
    pass later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return SendFailure(f"{type(exc).__name__} {min(codes, default=0)}", permanent)
    if isinstance(exc, smtplib.SMTPDataError):
        return SendFailure(f"{type(exc).__name__} {exc.smtp_code}", exc.smtp_code >= 500)
    if isinstance(exc, smtplib.SMTPResponseException):
        return SendFailure(f"{type(exc).__name__} {exc.smtp_code}")
    return SendFailure(type(exc).__name__)


def as_text(msg: EmailMessage) -> str:
    """A message as the outbox keeps it: headers unfolded, so that it reads
    back as it was written (the SMTP library folds them again)."""
    return msg.as_string(policy=msg.policy.clone(max_line_length=None))


def from_text(text: str) -> EmailMessage:
    """A message the outbox kept, ready to send again as it was."""
    parsed = email.message_from_string(text, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


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
