"""Visitors' requests to a self-help centre ("I am looking for a group about
…"), and what its staff do with them: answer by email from the app, forward
one to a group attached to the centre (only with the visitor's consent), close.

Staff see the requests of their own centre only; a forwarded request reaches
the group's co-responsibles as a message "from the centre" in their Messages.
Nothing here reads a member of a group: a group is reached through its
co-responsibles' inboxes, as for a visitor's message from the directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select, update

from facilitator.extensions import db
from facilitator.i18n import locale_for
from facilitator.models import Centre, ContactMessage, Group, Referral, User
from facilitator.models.referrals import ReferralStatus
from facilitator.services import audit, centres, mail, notifications
from facilitator.services.errors import Conflict, DomainError, NotFound
from facilitator.services.lookup import get, owned
from facilitator.services.sql import rows_changed


def directory_centres() -> Sequence[Centre]:
    """The centres a visitor can write to, by name."""
    return db.session.scalars(select(Centre).order_by(func.lower(Centre.name))).all()


def public_centre(centre_id: int) -> Centre:
    centre = get(Centre, centre_id)
    if centre is None:
        raise NotFound()
    return centre


def ask(
    centre: Centre,
    sender_name: str,
    sender_contact: str,
    body: str,
    consent: bool,
    language: str,
    link: str,
) -> Referral:
    """Keep a visitor's request for the centre's staff, and tell the centre's
    contact address that one arrived (without its text: staff read it in the
    app)."""
    referral = Referral(
        centre_id=centre.id,
        sender_name=sender_name,
        sender_contact=sender_contact,
        body=body,
        consent=consent,
        language=language,
    )
    db.session.add(referral)
    if centre.contact_email:
        mail.send_template(
            centre.contact_email,
            (centre.languages or ["fr"])[0],
            lambda: _("A new request from the directory"),
            "mail/referral_arrived.txt",
            centre=centre,
            link=link,
        )
    return referral


def requests_of(centre: Centre, status: str | None = None) -> list[Referral]:
    """The centre's requests, newest first (only one status when given)."""
    query = select(Referral).where(Referral.centre_id == centre.id)
    if status:
        query = query.where(Referral.status == status)
    return list(db.session.scalars(query.order_by(Referral.created_at.desc(), Referral.id.desc())))


def counts_of(centre: Centre) -> dict[str, int]:
    """How many requests the centre has in each status."""
    rows = db.session.execute(
        select(Referral.status, func.count())
        .where(Referral.centre_id == centre.id)
        .group_by(Referral.status)
    )
    return {status: int(count) for status, count in rows}


def referral_in(centre: Centre, referral_id: int) -> Referral:
    """One of the centre's requests; NotFound for another centre's."""
    return owned(Referral, referral_id, centre_id=centre.id)


def attached_groups(centre: Centre) -> list[Group]:
    """The groups attached to the centre that a request can go to, by name:
    not one that nobody has taken over yet (nobody would read it)."""
    return list(
        db.session.scalars(
            select(Group)
            .where(Group.centre_id == centre.id, ~_unheld())
            .order_by(func.lower(Group.name))
        )
    )


def _unheld() -> ColumnElement[bool]:
    return Group.founding & Group.handed_over_at.is_(None)


def attached_group(centre: Centre, group_id: object) -> Group:
    """A group attached to the centre that a request can go to; NotFound for
    any other."""
    group = owned(Group, group_id, centre_id=centre.id)
    if group.founding and group.handed_over_at is None:
        raise NotFound()
    return group


def forwarded_to(centre: Centre, referral: Referral) -> Group | None:
    """The group the request went to, while it is attached to the centre."""
    group = get(Group, referral.forwarded_group_id) if referral.forwarded_group_id else None
    return group if group is not None and group.centre_id == centre.id else None


def email_of(contact: str) -> str | None:
    """The visitor's way to be reached, if it is an email address."""
    try:
        return validate_email(contact, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


class NoEmailAddress(DomainError):
    message = _l(
        "The visitor did not leave an email address: reach them as they asked, "
        "then mark the request as answered."
    )


class NoReplyAddress(DomainError):
    message = _l("The centre has no contact address yet: answer from your own address.")


def answer(
    centre: Centre, referral: Referral, staff: User, text: str, own_address: bool, now: datetime
) -> None:
    """Email ``text`` to the visitor from the app; their reply goes to the
    centre's contact address, or to the staff member's own when they chose so."""
    to = email_of(referral.sender_contact)
    if to is None:
        raise NoEmailAddress(field="text")
    reply_to = staff.email if own_address else centre.contact_email
    if not reply_to:
        raise NoReplyAddress(field="own_address")
    with force_locale(locale_for(referral.language)):
        subject = _("Your request to %(centre)s", centre=centre.name)
        footer = _(
            "Answer this email to write to %(centre)s. You wrote to the centre through "
            "the directory of self-help groups; your request is deleted 180 days after it "
            "arrived.",
            centre=centre.name,
        )
    message = mail.build_message(to, subject, f"{text}\n\n-- \n{footer}\n")
    message["Reply-To"] = reply_to
    del message["Auto-Submitted"]  # written by a person
    mail.queue(message)
    _set_status(referral, ReferralStatus.ANSWERED, now, only_if_new=True)
    centres.record(
        centre, staff, "referral_answered", referral=referral.id, own_address=own_address
    )


def mark_answered(centre: Centre, referral: Referral, staff: User, now: datetime) -> None:
    """Staff reached the visitor another way (a phone call)."""
    _set_status(referral, ReferralStatus.ANSWERED, now, only_if_new=True)
    centres.record(centre, staff, "referral_answered", referral=referral.id, by="other")


def close(centre: Centre, referral: Referral, staff: User, now: datetime) -> None:
    _set_status(referral, ReferralStatus.CLOSED, now)
    centres.record(centre, staff, "referral_closed", referral=referral.id)


def _set_status(referral: Referral, status: str, now: datetime, only_if_new: bool = False) -> None:
    if only_if_new and referral.status != ReferralStatus.NEW:
        return
    referral.status = status
    referral.changed_at = now


class NoConsent(DomainError):
    message = _l(
        "The visitor did not agree that the centre passes their request to a group: "
        "answer them instead."
    )


class AlreadyForwarded(Conflict):
    message = _l("This request has already been passed on to a group.")


class Closed(Conflict):
    message = _l("This request is closed.")


def forward(
    centre: Centre, referral: Referral, staff: User, group: Group, link: str, now: datetime
) -> None:
    """Pass the request to the group's co-responsibles (once, only with the
    visitor's consent): a message from the centre in their Messages, and an
    email. Two staff members forwarding at once: one wins, the other is told."""
    if not referral.consent:
        raise NoConsent(field="group")
    if group.centre_id != centre.id:
        raise NotFound()
    if referral.status == ReferralStatus.CLOSED:
        raise Closed()
    changed = rows_changed(
        update(Referral)
        .where(
            Referral.id == referral.id,
            # Once: a request passed on stays so (its group is forgotten
            # when the group detaches, not the fact).
            Referral.forwarded_group_id.is_(None),
            Referral.status.not_in((ReferralStatus.FORWARDED, ReferralStatus.CLOSED)),
        )
        .values(status=ReferralStatus.FORWARDED, forwarded_group_id=group.id, changed_at=now)
        .execution_options(synchronize_session=False)
    )
    if not changed:
        raise AlreadyForwarded()
    db.session.add(
        ContactMessage(
            group_id=group.id,
            sender_name=referral.sender_name,
            sender_contact=referral.sender_contact,
            body=referral.body,
            centre_id=centre.id,
        )
    )
    notifications.tell_coresponsibles(
        group,
        lambda: _("A request passed on by your self-help centre"),
        lambda: _("A request for %(group)s from your self-help centre", group=group.name),
        "mail/referral_forwarded.txt",
        centre=centre,
        sender_name=referral.sender_name,
        sender_contact=referral.sender_contact,
        body=referral.body,
        link=link,
    )
    audit.record(group, None, "referral_forwarded", centre=centre.name)
    centres.record(centre, staff, "referral_forwarded", group, referral=referral.id)
    db.session.refresh(referral)
