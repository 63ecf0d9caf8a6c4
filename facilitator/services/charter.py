"""A group's charter: the rules its members agree on.

A new group starts from the usual template, written in the group's language.
Co-responsible members change it; every version is kept with its date and
author. A change in substance ("members must read it again") asks every
member to read it again; a small one (a typo, a rewording) asks nobody.
Members agree to it when they join and after each change in substance; the
group sees how many have not read the current version (co-responsible
members see who). Once a year (or on the date the group sets) the group
reviews it: its co-responsible members are reminded on the group's page and
by one email.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, SQLColumnExpression, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from facilitator.domain.charter_text import KeyRules
from facilitator.domain.charter_text import key_rules as rules_of
from facilitator.extensions import db
from facilitator.i18n import locale_for
from facilitator.models import (
    Charter,
    CharterAcknowledgement,
    CharterVersion,
    Group,
    Membership,
    User,
)
from facilitator.models._common import utcnow
from facilitator.models.charter import TEXT_MAX
from facilitator.services import audit, clock, groups, notifications
from facilitator.services.errors import Conflict, DomainError, NotFound
from facilitator.services.lookup import owned

# The usual rules of a self-help group, as a new group gets them: a short
# introduction, then headed lists. Written in the group's language; the rules
# in KEY_RULES are written in bold, which makes them the key rules that the
# facilitator's card shows (domain.charter_text).
TEMPLATE = (
    (
        None,
        (
            _l(
                "We are a self-help group: we meet as equals, without a professional leader, "
                "and share the work of each meeting. These few rules help everyone feel safe "
                "and listened to."
            ),
        ),
    ),
    (
        _l("Confidentiality"),
        (
            _l("What is said in the group stays in the group."),
            _l(
                "Who comes to the group stays in the group too: outside, we never say whom "
                "we met here, not even to our family and friends."
            ),
        ),
    ),
    (
        _l("Speaking and listening"),
        (
            _l(
                'Each of us speaks for themselves, saying "I": about our own experience, '
                "not about other people's."
            ),
            _l("We listen without interrupting. Everyone may speak; keeping silent is fine too."),
            _l(
                "We give no advice unless someone asks for it. We tell what helped us, not "
                "what others should do."
            ),
        ),
    ),
    (
        _l("Coming to the meetings"),
        (
            _l("We arrive on time and, if we can, stay until the end."),
            _l(
                "When we cannot come, we say so beforehand, so that nobody waits for us and "
                "every role of the evening is taken."
            ),
        ),
    ),
    (
        _l("Deciding together"),
        (
            _l(
                "We decide together what concerns the group (themes, dates, the place, "
                "welcoming new members, this charter), at a meeting: by consensus where "
                "we can, otherwise by a majority of those present."
            ),
            _l(
                "The co-responsible members keep this charter up to date; once a year we "
                "read it again together."
            ),
        ),
    ),
)


# (part, line) in TEMPLATE: what is said and who comes stay here, "I", listening, no advice.
KEY_RULES = {(1, 0), (1, 1), (2, 0), (2, 1), (2, 2)}
# A key rule's lead, written in bold: its first sentence, or what comes before its colon.
LEAD = re.compile(r"(.+?(?:[.!?](?=\s)|(?=[\u00a0\u202f ]?:\s)))(.*)", re.DOTALL)


def _key_rule(line: str) -> str:
    lead = LEAD.fullmatch(line)
    return f"**{lead[1]}**{lead[2]}" if lead else f"**{line}**"


def template_text(language: str) -> str:
    """The usual charter in ``language`` (a group's language)."""
    with force_locale(locale_for(language)):
        parts = []
        for part, (heading, lines) in enumerate(TEMPLATE):
            if heading is None:
                parts += [str(line) for line in lines]
            else:
                parts.append(f"**{heading}**")
                parts.append(
                    "\n".join(
                        f"- {_key_rule(str(line))}" if (part, number) in KEY_RULES else f"- {line}"
                        for number, line in enumerate(lines)
                    )
                )
        return "\n\n".join(parts)


SWISS_TIME = ZoneInfo("Europe/Zurich")


class CharterEmpty(DomainError):
    message = _l("Write the charter: it cannot be empty.")


class CharterTooLong(DomainError):
    message = _l("Use at most %(max)d characters.", max=TEXT_MAX)


class CharterChanged(Conflict):
    """The version a member was shown is no longer the one to agree to."""

    message = _l(
        "The charter has just been changed. Please read the new version, then tick the box again."
    )


class CharterSavedMeanwhile(Conflict):
    message = _l(
        "Someone saved a new version while you were writing. Your text is still in the "
        "field; the current version is shown below the form. Compare them, then save again."
    )


class ReviewInThePast(DomainError):
    message = _l("Choose a date from today on.")


class NoCharter(NotFound):
    """A group without a charter has no review to plan."""


def a_year_after(day: date) -> date:
    """The same day a year later (28 February after a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


# --- Starting and changing it -------------------------------------------------


def start(group: Group) -> Charter:
    """Give a new group the usual charter, in its language: version 1, which
    nobody is asked to read again (newcomers read it when they join)."""
    if group.id is None:
        db.session.flush()
    charter = Charter(
        group_id=group.id,
        current_number=1,
        required_number=0,
        review_on=a_year_after(clock.today(group.timezone)),
    )
    db.session.add(charter)
    db.session.add(
        CharterVersion(
            group_id=group.id,
            number=1,
            text=template_text(group.language),
            from_template=True,
            must_reread=False,
        )
    )
    return charter


def charter_of(group: Group, *, lock: bool = False) -> Charter | None:
    query = select(Charter).where(Charter.group_id == group.id)
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def current_version(group: Group) -> CharterVersion | None:
    """The charter as it stands (with its author), or None for a group without one."""
    return db.session.scalar(
        select(CharterVersion)
        .join(Charter, Charter.group_id == CharterVersion.group_id)
        .options(joinedload(CharterVersion.author))
        .where(
            CharterVersion.group_id == group.id,
            CharterVersion.number == Charter.current_number,
        )
    )


def key_rules(group: Group) -> KeyRules:
    """The key rules of the group's charter, for the facilitator's card
    (none for a group without a charter)."""
    text = db.session.scalar(
        select(CharterVersion.text)
        .join(Charter, Charter.group_id == CharterVersion.group_id)
        .where(
            CharterVersion.group_id == group.id,
            CharterVersion.number == Charter.current_number,
        )
    )
    return rules_of(text or "")


def checked_text(text: str | None) -> str:
    """The charter's text as it will be kept (line ends made plain, blanks
    trimmed); CharterEmpty or CharterTooLong (at the field ``text``)."""
    cleaned = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not cleaned:
        raise CharterEmpty(field="text")
    if len(cleaned) > TEXT_MAX:
        raise CharterTooLong(field="text")
    return cleaned


def revise(
    group: Group, actor: User, text: str | None, *, must_reread: bool, base: int | None
) -> CharterVersion | None:
    """Save a new version of the charter written from version ``base``.

    ``must_reread``: a change in substance; every member but its author must
    read it again, and the next review is a year from today. Returns the new
    version, or None when nothing changed (the same text, nobody asked).
    CharterSavedMeanwhile when another version was saved after ``base``."""
    cleaned = checked_text(text)
    charter = charter_of(group, lock=True)
    today = clock.today(group.timezone)
    if charter is None:  # a group that never had one
        charter = Charter(group_id=group.id, current_number=0, review_on=a_year_after(today))
        db.session.add(charter)
        current = None
    else:
        if base != charter.current_number:
            raise CharterSavedMeanwhile(field="text")
        current = current_version(group)
    if current is not None and current.text == cleaned and not must_reread:
        return None
    number = charter.current_number + 1
    version = CharterVersion(
        group_id=group.id,
        number=number,
        text=cleaned,
        must_reread=must_reread,
        from_template=False,
        author_id=actor.id,
    )
    db.session.add(version)
    charter.current_number = number
    if must_reread:
        charter.required_number = number
        charter.review_on = a_year_after(today)
        mine = db.session.scalar(Membership.select_for(actor.id, group.id))
        if mine is not None:
            _agree(mine, number)
    audit.record(
        group, actor, "charter_changed" if must_reread else "charter_edited", number=number
    )
    db.session.flush()
    return version


# --- Reading and agreeing -----------------------------------------------------


def check_shown(group: Group, shown: int | None) -> Charter | None:
    """The charter a member agrees to, having been shown version ``shown``:
    CharterChanged (at the field ``agree``) when a change in substance came
    after it, or ``shown`` is no version at all."""
    charter = charter_of(group)
    if charter is None:
        return None
    if shown is None or not charter.required_number <= shown <= charter.current_number:
        raise CharterChanged(field="agree")
    return charter


def acknowledge(membership: Membership, shown: int | None) -> None:
    """The member has read the charter (shown as version ``shown``) and agrees
    to it: recorded for its current version (small changes after the one
    shown need no new reading)."""
    charter = check_shown(membership.group, shown)
    if charter is not None:
        _agree(membership, charter.current_number)


def _agree(membership: Membership, number: int) -> None:
    if membership.id is None:
        db.session.flush()
    row = db.session.get(CharterAcknowledgement, membership.id)
    if row is None:
        try:
            with db.session.begin_nested():  # a double tap inserts once
                db.session.add(CharterAcknowledgement(membership_id=membership.id, number=number))
            return
        except IntegrityError:
            row = db.session.get(CharterAcknowledgement, membership.id)
            if row is None:
                raise
    row.number = max(row.number, number)
    row.acknowledged_at = utcnow()


def acknowledgement(membership: Membership) -> CharterAcknowledgement | None:
    return db.session.get(CharterAcknowledgement, membership.id)


@dataclass(frozen=True)
class Standing:
    """Where a member and the group stand with the charter: the current and
    the required versions, the one the member last agreed to (0: none), how
    many members have not read the required one, and the next review."""

    current: int = 0
    required: int = 0
    mine: int = 0
    unread: int = 0
    review_on: date | None = None

    @classmethod
    def of(cls, row: Sequence[Any]) -> Standing:
        current, required, mine, unread, review_on = row
        return cls(current or 0, required or 0, mine or 0, unread or 0, review_on)

    @property
    def exists(self) -> bool:
        return self.current > 0

    @property
    def must_read(self) -> bool:
        """The member has not read the version everyone must have read."""
        return self.mine < self.required

    @property
    def adapted(self) -> bool:
        """The group has changed the template it started from."""
        return self.current > 1

    def review_due(self, today: date) -> bool:
        return self.review_on is not None and self.review_on <= today


def _not_read(membership_group: SQLColumnExpression[int]) -> Any:
    """The number of members of ``membership_group`` who have not read the
    version its charter requires, as a scalar subquery (correlated with the
    enclosing query's Charter)."""
    others = aliased(Membership)
    read = aliased(CharterAcknowledgement)
    return (
        select(func.count())
        .select_from(others)
        .outerjoin(read, read.membership_id == others.id)
        .where(
            others.group_id == membership_group,
            func.coalesce(read.number, 0) < Charter.required_number,
        )
        .scalar_subquery()
    )


def with_standing(statement: Select[Any]) -> Select[Any]:
    """``statement`` (which selects a Membership) with the member's and the
    group's Standing as five more columns (read with ``Standing.of``), in the
    same statement: the group page shows it and runs no more queries for it."""
    return (
        statement.outerjoin(Charter, Charter.group_id == Membership.group_id)
        .outerjoin(CharterAcknowledgement, CharterAcknowledgement.membership_id == Membership.id)
        .add_columns(
            Charter.current_number,
            Charter.required_number,
            CharterAcknowledgement.number,
            _not_read(Membership.group_id),
            Charter.review_on,
        )
    )


def standing(membership: Membership) -> Standing:
    """The member's and the group's Standing (one statement)."""
    row = db.session.execute(
        with_standing(select(Membership.id)).where(Membership.id == membership.id)
    ).one()
    return Standing.of(row[1:])


def unread_members(group: Group) -> list[Membership]:
    """The members who have not read the version everyone must have read, by
    name (shown to co-responsible members only)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .join(Charter, Charter.group_id == Membership.group_id)
            .outerjoin(
                CharterAcknowledgement, CharterAcknowledgement.membership_id == Membership.id
            )
            .options(joinedload(Membership.user))
            .where(
                Membership.group_id == group.id,
                func.coalesce(CharterAcknowledgement.number, 0) < Charter.required_number,
            )
            .order_by(func.lower(User.display_name))
        )
    )


def groups_to_read(user: User) -> list[Group]:
    """The user's groups whose charter changed in substance since they last
    read it (the home page asks them to read it), by name."""
    return list(
        db.session.scalars(
            select(Group)
            .join(Membership, Membership.group_id == Group.id)
            .join(Charter, Charter.group_id == Group.id)
            .outerjoin(
                CharterAcknowledgement, CharterAcknowledgement.membership_id == Membership.id
            )
            .where(
                Membership.user_id == user.id,
                func.coalesce(CharterAcknowledgement.number, 0) < Charter.required_number,
            )
            .order_by(func.lower(Group.name))
        )
    )


@dataclass
class Overview:
    """What the charter's page shows a member: the charter as it stands,
    where they and the group stand, when they last agreed to it and, for
    co-responsible members only, who has not read it yet."""

    version: CharterVersion | None
    standing: Standing
    read: CharterAcknowledgement | None
    unread: list[Membership]


def overview(membership: Membership) -> Overview:
    group = membership.group
    where = standing(membership)
    return Overview(
        version=current_version(group),
        standing=where,
        read=acknowledgement(membership) if where.mine else None,
        unread=unread_members(group) if membership.is_coresponsible and where.unread else [],
    )


def versions(group: Group) -> list[CharterVersion]:
    """Every version of the group's charter, newest first, with its author."""
    return list(
        db.session.scalars(
            select(CharterVersion)
            .options(joinedload(CharterVersion.author))
            .where(CharterVersion.group_id == group.id)
            .order_by(CharterVersion.number.desc())
        )
    )


def version_in(group: Group, version_id: int) -> CharterVersion:
    return owned(CharterVersion, version_id, group_id=group.id)


# --- The yearly review ----------------------------------------------------------


def set_review(group: Group, actor: User, day: date) -> None:
    """The group reviews its charter next on ``day`` (today or later)."""
    if day < clock.today(group.timezone):
        raise ReviewInThePast(field="review_on")
    charter = _existing(group)
    if charter.review_on != day:
        charter.review_on = day
        audit.record(group, actor, "charter_review_set", day=day.isoformat())


def reviewed(group: Group, actor: User) -> date:
    """The group has reviewed its charter and keeps it as it is: the next
    review is a year from today. Returns its date."""
    charter = _existing(group)
    charter.review_on = a_year_after(clock.today(group.timezone))
    audit.record(group, actor, "charter_reviewed", day=charter.review_on.isoformat())
    return charter.review_on


def _existing(group: Group) -> Charter:
    charter = charter_of(group, lock=True)
    if charter is None:
        raise NoCharter()
    return charter


def remind_reviews(now: datetime, link_for: Callable[[Group], str]) -> int:
    """Email the co-responsible members of each group whose charter review is
    due, once per review date; returns how many emails were queued. The
    caller commits."""
    queued = 0
    due = db.session.execute(
        select(Charter, Group)
        .join(Group, Group.id == Charter.group_id)
        .where(
            Charter.review_on <= now.astimezone(SWISS_TIME).date(),
            (Charter.review_reminded_for.is_(None))
            | (Charter.review_reminded_for != Charter.review_on),
        )
        .order_by(Charter.group_id)
    ).all()
    for charter, group in due:
        charter.review_reminded_for = charter.review_on
        for user in groups.member_users(group, coresponsible=True):
            discreet = notifications.discreet_for(user, group)
            notifications.deliver(
                user,
                _review_subject(group, discreet),
                "mail/charter_review.txt",
                group=group,
                review_on=charter.review_on,
                link=link_for(group),
            )
            queued += 1
    return queued


def _review_subject(group: Group, discreet: bool) -> Callable[[], str]:
    if discreet:
        return lambda: _("Time to review your group's charter")
    return lambda: _("Time to review the charter of %(group)s", group=group.name)
