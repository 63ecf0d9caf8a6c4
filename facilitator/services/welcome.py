"""Welcome contacts: a member who accompanies a newcomer through their first
meetings.

Members say whether they are willing to be a welcome contact. A newcomer is
a member who joined in the last three months (the group's founder aside) and
has no contact yet; a co-responsible member pairs them with a willing member
or with themselves, or a willing member offers ("I'll be their contact").
The contact is told by email (the group's name only where the group is not
discreet) and sees the newcomer's first meeting: the group's next meeting
after they joined (never their anonymous "I plan to come").

The two of them write to each other in the app, in a short conversation that
only they can read (no email address is ever shown; an email says only that
a message is waiting, at most once an hour per conversation). A pairing
lasts three months and ends by itself then; either of them can end it
sooner, and the other sees it in the app. Its messages are deleted 30 days
after it ended (``services.retention``), with the newcomer's or the
contact's membership, and as the group's retention period says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Case,
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from facilitator.extensions import db
from facilitator.models import Group, Membership, User, WelcomeMessage, WelcomePairing
from facilitator.models.welcome import BY_CONTACT, BY_NEWCOMER, BY_TIME, MESSAGE_MAX
from facilitator.services import clock, notifications, schedule
from facilitator.services.errors import Conflict, DomainError, Forbidden, NotFound
from facilitator.services.lookup import owned
from facilitator.services.sql import rows_changed

# A member is a newcomer for this long after joining; a pairing lasts as long.
NEWCOMER_DAYS = 90
PAIRING_DAYS = 90
# The messages of an ended pairing are kept this long (then deleted with it).
KEEP_DAYS = 30
# At most one "new message" email per conversation and person in this time.
NOTICE_EVERY = timedelta(hours=1)
SWISS_TIME = ZoneInfo("Europe/Zurich")


class SelfPairing(DomainError):
    message = _l("A newcomer cannot be their own welcome contact. Choose another member.")


class NotANewcomer(DomainError):
    message = _l("Only a member who joined in the last three months can get a welcome contact.")


class NotWilling(DomainError):
    message = _l("This member has not said that they are willing to be a welcome contact.")


class NotAContact(Forbidden):
    message = _l(
        "Say first that you are willing to be a welcome contact, or ask a co-responsible member."
    )


class NoSuchMember(DomainError):
    message = _l("This person is not a member of the group.")


class AlreadyPaired(Conflict):
    message = _l("This newcomer already has a welcome contact.")


class PairingEnded(Conflict):
    message = _l("This welcome pairing has ended: no more messages can be sent.")


class MessageEmpty(DomainError):
    message = _l("Write a message: it cannot be empty.")


class MessageTooLong(DomainError):
    message = _l("Use at most %(max)d characters.", max=MESSAGE_MAX)


# --- Willing members and newcomers -------------------------------------------------


def set_willing(membership: Membership, willing: bool) -> None:
    membership.welcome_willing = willing


def willing_members(group: Group) -> list[Membership]:
    """The members willing to be a welcome contact, with their names, by name."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(joinedload(Membership.user))
            .where(Membership.group_id == group.id, Membership.welcome_willing.is_(True))
            .order_by(func.lower(User.display_name))
        )
    )


def _newcomer_since(now: datetime) -> datetime:
    return now - timedelta(days=NEWCOMER_DAYS)


def _founder(group_id: int) -> int | None:
    return db.session.scalar(_first_member(group_id))


def _first_member(group_id: int) -> Select[Any]:
    """The group's first membership: its founder's."""
    return select(func.min(Membership.id)).where(Membership.group_id == group_id)


def is_newcomer(membership: Membership, now: datetime) -> bool:
    """Joined in the last three months, and not the group's founder."""
    return membership.joined_at > _newcomer_since(now) and membership.id != _founder(
        membership.group_id
    )


def newcomers_without_contact(group: Group, now: datetime) -> list[Membership]:
    """The newcomers who have no running pairing and did not end one
    themselves, with their names, those who joined first first."""
    pairing = aliased(WelcomePairing)
    taken = (
        select(pairing.id)
        .where(
            pairing.newcomer_id == Membership.id,
            or_(pairing.open_for.is_not(None), pairing.ended_by == BY_NEWCOMER),
        )
        .exists()
    )
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(joinedload(Membership.user))
            .where(
                Membership.group_id == group.id,
                Membership.joined_at > _newcomer_since(now),
                Membership.id != _first_member(group.id).scalar_subquery(),
                ~taken,
            )
            .order_by(Membership.joined_at, Membership.id)
        )
    )


def contact_choices(group: Group, actor: Membership) -> list[Membership]:
    """Whom ``actor`` may name as a welcome contact: themselves (a
    co-responsible member, or a willing one) and, for a co-responsible
    member, every willing member."""
    choices = willing_members(group) if actor.is_coresponsible else []
    if (actor.is_coresponsible or actor.welcome_willing) and actor not in choices:
        choices.insert(0, actor)
    return choices


# --- Pairing ------------------------------------------------------------------------


def pair(
    group: Group,
    actor: Membership,
    newcomer_id: int,
    contact_id: int | None,
    now: datetime,
    link_for: Callable[[WelcomePairing], str],
) -> WelcomePairing:
    """Make the member ``contact_id`` the welcome contact of the newcomer
    ``newcomer_id``, as ``actor`` asks: a co-responsible member names a
    willing member or themselves; a willing member offers themselves. The
    contact is told by email unless they did it themselves."""
    if not (actor.is_coresponsible or actor.welcome_willing):
        raise NotAContact()
    newcomer = owned(Membership, newcomer_id, group_id=group.id)
    try:
        contact = owned(Membership, contact_id, group_id=group.id)
    except NotFound:
        raise NoSuchMember(field="contact") from None
    if contact.id == newcomer.id:
        raise SelfPairing(field="contact")
    if contact.id != actor.id and not (actor.is_coresponsible and contact.welcome_willing):
        raise NotWilling(field="contact")
    if not is_newcomer(newcomer, now):
        raise NotANewcomer(field="contact")
    today = now.astimezone(ZoneInfo(group.timezone)).date()
    pairing = WelcomePairing(
        group_id=group.id,
        newcomer_id=newcomer.id,
        contact_id=contact.id,
        open_for=newcomer.id,
        started_at=now,
        ends_on=today + timedelta(days=PAIRING_DAYS),
    )
    try:
        with db.session.begin_nested():  # two people pairing the same newcomer at once
            db.session.add(pairing)
    except IntegrityError:
        raise AlreadyPaired(field="contact") from None
    if contact.id != actor.id:
        _tell_contact(group, pairing, newcomer, contact, link_for(pairing))
    return pairing


def _tell_contact(
    group: Group,
    pairing: WelcomePairing,
    newcomer: Membership,
    contact: Membership,
    link: str,
) -> None:
    name = newcomer.user.display_name
    first = first_meeting(newcomer)
    notifications.deliver(
        contact.user,
        lambda: _("You are now the welcome contact of %(name)s", name=name),
        "mail/welcome_paired.txt",
        group=group,
        newcomer=name,
        first=first,
        ends_on=pairing.ends_on,
        link=link,
    )


def first_meeting(newcomer: Membership) -> schedule.Occurrence | None:
    """The newcomer's first meeting: the group's next meeting (not cancelled)
    after they joined."""
    coming = schedule.upcoming([newcomer.group_id], newcomer.joined_at, limit=4)
    return next((o for o in coming if not o.cancelled), None)


# --- Reading ------------------------------------------------------------------------


def running(pairing: WelcomePairing, today: date) -> bool:
    """Neither ended by one of the two, nor past its last day."""
    return pairing.ended_at is None and pairing.ends_on > today


@dataclass
class Pairing:
    """A pairing as one of its two people sees it: whether they are the
    newcomer, the other's name, how many messages they have not read yet,
    and whether it still runs."""

    pairing: WelcomePairing
    as_newcomer: bool
    other: str
    unread: int
    is_running: bool

    @property
    def id(self) -> int:
        return self.pairing.id

    @property
    def ended_by_other(self) -> bool:
        """Ended by the other person, or by itself (past its last day)."""
        if self.is_running:
            return False
        by = self.pairing.ended_by
        return by in (None, BY_TIME, BY_CONTACT if self.as_newcomer else BY_NEWCOMER)


def _views(rows: Sequence[Any], membership_id: int, today: date) -> list[Pairing]:
    return [
        Pairing(
            pairing=pairing,
            as_newcomer=pairing.newcomer_id == membership_id,
            other=contact_name if pairing.newcomer_id == membership_id else newcomer_name,
            unread=unread or 0,
            is_running=running(pairing, today),
        )
        for pairing, newcomer_name, contact_name, unread in rows
    ]


def _seen_column(mine_newcomer: ColumnElement[bool]) -> Case[Any]:
    """The member's own "seen" column, whichever side of the pairing they are."""
    return case(
        (mine_newcomer, WelcomePairing.newcomer_seen_at), else_=WelcomePairing.contact_seen_at
    )


def _statement(membership: Membership) -> Select[Any]:
    """The pairings of ``membership`` (as newcomer or contact) with both names
    and the number of messages the member has not read, in one statement."""
    newcomer, contact = aliased(Membership), aliased(Membership)
    newcomer_user, contact_user = aliased(User), aliased(User)
    mine_newcomer = WelcomePairing.newcomer_id == membership.id
    seen = _seen_column(mine_newcomer)
    unread = (
        select(func.count())
        .select_from(WelcomeMessage)
        .where(
            WelcomeMessage.pairing_id == WelcomePairing.id,
            WelcomeMessage.from_newcomer != mine_newcomer,
            or_(seen.is_(None), WelcomeMessage.created_at > seen),
        )
        .scalar_subquery()
    )
    return (
        select(WelcomePairing, newcomer_user.display_name, contact_user.display_name, unread)
        .join(newcomer, newcomer.id == WelcomePairing.newcomer_id)
        .join(newcomer_user, newcomer_user.id == newcomer.user_id)
        .join(contact, contact.id == WelcomePairing.contact_id)
        .join(contact_user, contact_user.id == contact.user_id)
        .where(
            or_(
                WelcomePairing.newcomer_id == membership.id,
                WelcomePairing.contact_id == membership.id,
            )
        )
        .order_by(WelcomePairing.started_at.desc(), WelcomePairing.id.desc())
    )


def mine(membership: Membership, today: date) -> list[Pairing]:
    """What the group page and the welcome page show the member (one
    statement): their running pairings, and those the other ended (or that
    ended by themselves) that they have not opened since."""
    views = _views(db.session.execute(_statement(membership)).all(), membership.id, today)
    return [
        v
        for v in views
        if v.is_running or (v.ended_by_other and not _seen_since_end(v.pairing, v.as_newcomer))
    ]


def every_pairing_of(membership: Membership, today: date) -> list[Pairing]:
    """All the member's pairings still kept, running or ended, newest first."""
    return _views(db.session.execute(_statement(membership)).all(), membership.id, today)


def _seen_since_end(pairing: WelcomePairing, as_newcomer: bool) -> bool:
    seen = pairing.newcomer_seen_at if as_newcomer else pairing.contact_seen_at
    return seen is not None and pairing.ended_at is not None and seen >= pairing.ended_at


def running_in(group: Group, today: date) -> list[WelcomePairing]:
    """The group's running pairings with both names (co-responsible members
    see who welcomes whom, never their messages)."""
    return list(
        db.session.scalars(
            select(WelcomePairing)
            .options(
                joinedload(WelcomePairing.newcomer).joinedload(Membership.user),
                joinedload(WelcomePairing.contact).joinedload(Membership.user),
            )
            .where(
                WelcomePairing.group_id == group.id,
                WelcomePairing.open_for.is_not(None),
                WelcomePairing.ends_on > today,
            )
            .order_by(WelcomePairing.started_at)
        )
    )


def pairing_of(group: Group, membership: Membership, pairing_id: int) -> Pairing:
    """One of the member's own pairings; NotFound for anyone else's (a
    co-responsible member too), so that nobody learns it exists."""
    row = db.session.execute(
        _statement(membership).where(
            WelcomePairing.id == pairing_id, WelcomePairing.group_id == group.id
        )
    ).first()
    if row is None:
        raise NotFound()
    return _views([row], membership.id, clock.today(group.timezone))[0]


def messages(pairing: WelcomePairing) -> list[WelcomeMessage]:
    """The conversation, oldest first (the newest last, next to the form)."""
    return list(
        db.session.scalars(
            select(WelcomeMessage)
            .where(WelcomeMessage.pairing_id == pairing.id)
            .order_by(WelcomeMessage.created_at, WelcomeMessage.id)
        )
    )


def mark_seen(view: Pairing, now: datetime) -> None:
    """The member has read the conversation up to now."""
    if view.as_newcomer:
        view.pairing.newcomer_seen_at = now
    else:
        view.pairing.contact_seen_at = now


# --- Writing and ending -------------------------------------------------------------


def checked_body(body: str | None) -> str:
    cleaned = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not cleaned:
        raise MessageEmpty(field="body")
    if len(cleaned) > MESSAGE_MAX:
        raise MessageTooLong(field="body")
    return cleaned


def write(
    group: Group, view: Pairing, body: str | None, now: datetime, link: str
) -> WelcomeMessage:
    """Add a message to the conversation and, unless they were emailed about
    this conversation in the last hour, tell the other person by email (no
    text of the message, no group name)."""
    cleaned = checked_body(body)
    if not running(view.pairing, clock.today(group.timezone)):
        raise PairingEnded(field="body")
    pairing = view.pairing
    message = WelcomeMessage(
        pairing_id=pairing.id, from_newcomer=view.as_newcomer, body=cleaned, created_at=now
    )
    db.session.add(message)
    mark_seen(view, now)
    told = WelcomePairing.contact_told_at if view.as_newcomer else WelcomePairing.newcomer_told_at
    # One email an hour at most, even when both write at the same moment.
    if rows_changed(
        update(WelcomePairing)
        .where(
            WelcomePairing.id == pairing.id,
            or_(told.is_(None), told <= now - NOTICE_EVERY),
        )
        .values({told: now})
        .execution_options(synchronize_session=False)
    ):
        other = pairing.contact if view.as_newcomer else pairing.newcomer
        author = (pairing.newcomer if view.as_newcomer else pairing.contact).user.display_name
        notifications.deliver(
            other.user,
            lambda: _("You have a new message in facilitator"),
            "mail/welcome_message.txt",
            author=author,
            link=link,
        )
    db.session.flush()
    return message


def end(view: Pairing, now: datetime) -> bool:
    """One of the two ends the pairing (the other sees it in the app);
    False when it had ended already."""
    pairing = view.pairing
    if pairing.ended_at is not None:
        return False
    pairing.ended_at = now
    pairing.ended_by = BY_NEWCOMER if view.as_newcomer else BY_CONTACT
    pairing.open_for = None
    mark_seen(view, now)
    return True


def delete_on(pairing: WelcomePairing) -> date | None:
    """The day the conversation of an ended pairing is deleted."""
    if pairing.ended_at is None:
        return None
    return pairing.ended_at.astimezone(SWISS_TIME).date() + timedelta(days=KEEP_DAYS)


# --- Maintenance (the purge) -----------------------------------------------------


def expire(now: datetime) -> int:
    """End the pairings past their last day (their messages are kept 30 days
    more); how many."""
    today = now.astimezone(SWISS_TIME).date()
    return rows_changed(
        update(WelcomePairing)
        .where(WelcomePairing.ended_at.is_(None), WelcomePairing.ends_on <= today)
        .values(ended_at=now, ended_by=BY_TIME, open_for=None)
        .execution_options(synchronize_session=False)
    )


def forget_ended(now: datetime) -> int:
    """Delete the pairings that ended more than 30 days ago, with their
    messages; returns how many messages went."""
    old = select(WelcomePairing.id).where(WelcomePairing.ended_at < now - timedelta(days=KEEP_DAYS))
    count = rows_changed(delete(WelcomeMessage).where(WelcomeMessage.pairing_id.in_(old)))
    db.session.execute(delete(WelcomePairing).where(WelcomePairing.id.in_(old)))
    return count


def forget_before(group: Group, before: datetime) -> int:
    """Delete the group's welcome messages written before ``before`` (its
    retention period); how many."""
    in_group = select(WelcomePairing.id).where(WelcomePairing.group_id == group.id)
    return rows_changed(
        delete(WelcomeMessage).where(
            and_(WelcomeMessage.pairing_id.in_(in_group), WelcomeMessage.created_at < before)
        )
    )


def messages_of(user: User) -> list[dict]:
    """The user's own welcome messages (for My data): group, date, text."""
    author = case(
        (WelcomeMessage.from_newcomer.is_(True), WelcomePairing.newcomer_id),
        else_=WelcomePairing.contact_id,
    )
    rows = db.session.execute(
        select(WelcomeMessage, Group.name)
        .join(WelcomePairing, WelcomePairing.id == WelcomeMessage.pairing_id)
        .join(Group, Group.id == WelcomePairing.group_id)
        .join(Membership, Membership.id == author)
        .where(Membership.user_id == user.id)
        .order_by(WelcomeMessage.created_at, WelcomeMessage.id)
    ).all()
    return [{"group": group, "date": m.created_at, "text": m.body} for m, group in rows]
