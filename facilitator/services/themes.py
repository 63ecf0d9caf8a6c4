"""Theme proposals: members propose what they would like to talk about,
others support them (a count, never names), and a co-responsible member or a
role holder of the evening picks one for a meeting.

Nobody's name is shown with a proposal: its author sees "you proposed this"
and may withdraw it; support is kept under a keyed hash of (proposal, member)
(``tokens.keyed_hash``, like a secret ballot), so the app recognises a
member's own support while the table names nobody (models/themes.py).

Picking sets the meeting's theme (``Meeting.theme``) from the proposal and
marks the proposal with that meeting. A theme is the group's own words: it is
shown to members in the app, never in a calendar feed nor in an email.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from facilitator.domain.recurrence import to_aware
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership, User
from facilitator.models.meetings import THEME_MAX
from facilitator.models.themes import ProposalStatus, ThemeProposal, ThemeSupport
from facilitator.services import audit, meeting_shape, roles, schedule
from facilitator.services.errors import Conflict, DomainError, Forbidden, NotFound
from facilitator.services.sql import rows_changed
from facilitator.services.tokens import keyed_hash

HISTORY = 8  # picked and set-aside proposals shown on the page
NEXT_MEETINGS = 6  # the coming meetings a proposal can be picked for


class Duplicate(Conflict):
    """The same theme is already proposed (``proposal``: that one)."""

    message = _l("This theme has already been proposed: you can support it.")

    def __init__(self, proposal: ThemeProposal, message: str | LazyString | None = None):
        super().__init__(message, field="text")
        self.proposal = proposal


class NotOpen(Conflict):
    message = _l("This theme is no longer among the proposals.")


class NotYourProposal(Forbidden):
    message = _l("Only the member who proposed this theme can withdraw it.")


class MeetingUnavailable(Conflict):
    message = _l("This meeting is cancelled or has already taken place: choose a coming one.")


def text_key(text: str) -> str:
    """What makes two themes the same: their words, whatever the case and spaces."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


def supporter_of(proposal: ThemeProposal, user: User) -> str:
    """The keyed hash under which ``user``'s support of ``proposal`` is kept."""
    return keyed_hash("theme", proposal.id, user.id)


def is_picked(proposal: ThemeProposal) -> bool:
    """Picked for a meeting that still takes place (a cancelled meeting's
    theme is free again)."""
    return proposal.meeting is not None and not proposal.meeting.cancelled


def is_open(proposal: ThemeProposal) -> bool:
    return proposal.status == ProposalStatus.OPEN and not is_picked(proposal)


def _start_utc(meeting: Meeting) -> datetime:
    return to_aware(meeting.start, meeting.timezone)


# --- proposing ---------------------------------------------------------------------


def _checked_text(text: str) -> str:
    # Runs of spaces become one; a no-break space (French "?") stays.
    text = re.sub(r"[ \t\r\n]+", " ", text).strip()
    if not text:
        raise DomainError(_l("Write the theme you would like to talk about."), field="text")
    if len(text) > THEME_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=THEME_MAX), field="text")
    return text


def _same_as(group: Group, key: str) -> ThemeProposal | None:
    return db.session.scalar(
        select(ThemeProposal)
        .options(joinedload(ThemeProposal.meeting))
        .where(ThemeProposal.group_id == group.id, ThemeProposal.text_key == key)
        .execution_options(populate_existing=True)
    )


def _refuse_duplicate(existing: ThemeProposal, now: datetime) -> None:
    """Refuse a proposal of ``existing``'s theme, unless that one may be
    proposed afresh (set aside, or talked about at a meeting that is past)."""
    if is_open(existing):
        raise Duplicate(existing)
    if is_picked(existing):
        assert existing.meeting is not None
        if _start_utc(existing.meeting) > now:
            raise Duplicate(
                existing, _l("This theme has already been chosen for a coming meeting.")
            )


def propose(group: Group, membership: Membership, text: str, now: datetime) -> ThemeProposal:
    """Propose a theme (any member). The same theme as an open one is
    refused with a pointer to it; a set-aside or already talked-about one is
    proposed afresh (its old support does not count again)."""
    text = _checked_text(text)
    key = text_key(text)
    existing = _same_as(group, key)
    if existing is not None:
        _refuse_duplicate(existing, now)
        existing.text = text
        existing.status = ProposalStatus.OPEN
        existing.meeting_id = None
        existing.proposed_by_id = membership.id
        existing.created_at = now
        db.session.execute(delete(ThemeSupport).where(ThemeSupport.proposal_id == existing.id))
        db.session.flush()
        return existing
    proposal = ThemeProposal(
        group_id=group.id,
        text=text,
        text_key=key,
        proposed_by_id=membership.id,
        status=ProposalStatus.OPEN,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(proposal)
    except IntegrityError as exc:  # the same theme proposed by another member a moment ago
        found = _same_as(group, key)
        if found is None:
            raise
        raise Duplicate(found) from exc
    return proposal


def withdraw(membership: Membership, proposal: ThemeProposal) -> None:
    """Withdraw one's own proposal (not once picked for a meeting)."""
    if proposal.proposed_by_id != membership.id:
        raise NotYourProposal()
    if is_picked(proposal):
        raise NotOpen(
            _l("This theme has been chosen for a meeting: it can no longer be withdrawn.")
        )
    db.session.delete(proposal)


# --- reading -----------------------------------------------------------------------


def proposal_in(group: Group, proposal_id: int) -> ThemeProposal:
    """The group's proposal ``proposal_id``; NotFound for another group's."""
    proposal = db.session.scalar(
        select(ThemeProposal)
        .options(joinedload(ThemeProposal.meeting))
        .where(ThemeProposal.id == proposal_id, ThemeProposal.group_id == group.id)
    )
    if proposal is None:
        raise NotFound()
    return proposal


@dataclass
class Item:
    """A proposal as one member sees it: no names, a count."""

    proposal: ThemeProposal
    support: int
    supported: bool  # by the reader
    own: bool  # proposed by the reader
    meeting_start: datetime | None = None  # local; picked ones
    meeting_key: str = ""
    past: bool = False


@dataclass
class Board:
    open: list[Item] = field(default_factory=list)
    coming: list[Item] = field(default_factory=list)  # picked for coming meetings
    talked: list[Item] = field(default_factory=list)  # picked for past meetings, latest first
    set_aside: list[Item] = field(default_factory=list)  # latest first


def board(group: Group, membership: Membership, user: User, now: datetime) -> Board:
    """The group's proposals for one member: the open ones, most supported
    first; the ones picked for coming meetings; a short history."""
    proposals = db.session.scalars(
        select(ThemeProposal)
        .options(joinedload(ThemeProposal.meeting))
        .where(ThemeProposal.group_id == group.id)
        .order_by(ThemeProposal.created_at, ThemeProposal.id)
    ).all()
    ids = [p.id for p in proposals]
    counts: dict[int, int] = defaultdict(int)
    mine: set[int] = set()
    keys = {p.id: supporter_of(p, user) for p in proposals}
    if ids:
        for proposal_id, supporter in db.session.execute(
            select(ThemeSupport.proposal_id, ThemeSupport.supporter).where(
                ThemeSupport.proposal_id.in_(ids)
            )
        ):
            counts[proposal_id] += 1
            if keys[proposal_id] == supporter:
                mine.add(proposal_id)
    result = Board()
    for p in proposals:
        item = Item(
            proposal=p,
            support=counts[p.id],
            supported=p.id in mine,
            own=p.proposed_by_id == membership.id,
        )
        if is_picked(p):
            assert p.meeting is not None
            item.meeting_start = p.meeting.start
            item.meeting_key = schedule.key_of(p.meeting)
            item.past = _start_utc(p.meeting) <= now
            (result.talked if item.past else result.coming).append(item)
        elif p.status == ProposalStatus.SET_ASIDE:
            result.set_aside.append(item)
        else:
            result.open.append(item)
    result.open.sort(key=lambda i: -i.support)  # stable: the oldest first among equals
    result.coming.sort(key=lambda i: i.meeting_start or now)
    result.talked.sort(key=lambda i: i.meeting_start or now, reverse=True)
    del result.talked[HISTORY:]
    result.set_aside.reverse()
    del result.set_aside[HISTORY:]
    return result


def open_proposals(group: Group) -> list[ThemeProposal]:
    """The open proposals, most supported first (the meeting's shape page
    offers them)."""
    support = (
        select(func.count())
        .where(ThemeSupport.proposal_id == ThemeProposal.id)
        .correlate(ThemeProposal)
        .scalar_subquery()
    )
    found = db.session.scalars(
        select(ThemeProposal)
        .options(joinedload(ThemeProposal.meeting))
        .where(ThemeProposal.group_id == group.id, ThemeProposal.status == ProposalStatus.OPEN)
        .order_by(support.desc(), ThemeProposal.created_at, ThemeProposal.id)
    ).all()
    return [p for p in found if not is_picked(p)]


# --- supporting --------------------------------------------------------------------


def support(proposal: ThemeProposal, user: User, on: bool) -> None:
    """Support an open proposal (``on``) or withdraw one's support. The same
    press twice (a double tap) leaves one support."""
    if not is_open(proposal):
        raise NotOpen()
    mine = (
        ThemeSupport.proposal_id == proposal.id,
        ThemeSupport.supporter == supporter_of(proposal, user),
    )
    if not on:
        db.session.execute(delete(ThemeSupport).where(*mine))
        return
    if db.session.scalar(select(func.count()).select_from(ThemeSupport).where(*mine)):
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                ThemeSupport(proposal_id=proposal.id, supporter=supporter_of(proposal, user))
            )
    except IntegrityError:
        pass  # the same support from another window a moment ago: it counts once


# --- picking and setting aside ---------------------------------------------------


def meetings_to_pick(
    group: Group, membership: Membership, now: datetime
) -> list[schedule.Occurrence]:
    """The coming meetings ``membership`` may give a theme to: all of them for
    a co-responsible member, those where they hold a role for the others."""
    coming = [
        o
        for o in schedule.upcoming([group.id], now, limit=NEXT_MEETINGS * 2)
        if not o.cancelled and o.start_utc > now
    ]
    if membership.is_coresponsible:
        return coming[:NEXT_MEETINGS]
    slots = roles.slots_for(group, coming)
    allowed = [
        o for o, s in zip(coming, slots, strict=True) if meeting_shape.may_shape(membership, s)
    ]
    return allowed[:NEXT_MEETINGS]


def pick(
    group: Group,
    membership: Membership,
    proposal: ThemeProposal,
    occurrence: schedule.Occurrence,
    now: datetime,
) -> Meeting:
    """Make an open proposal the theme of a coming meeting (co-responsible
    members and the meeting's role holders). Another proposal picked for that
    meeting is open again."""
    if not meeting_shape.may_shape(membership, roles.slots_of(group, occurrence)):
        raise meeting_shape.NotYours()
    if occurrence.cancelled or occurrence.start_utc <= now:
        raise MeetingUnavailable()
    if not is_open(proposal):
        raise NotOpen()
    meeting = schedule.materialize(occurrence)
    if meeting.cancelled:  # by the request that stored it a moment ago
        raise MeetingUnavailable()
    taken = rows_changed(
        update(ThemeProposal)
        .where(
            ThemeProposal.id == proposal.id,
            ThemeProposal.status == ProposalStatus.OPEN,
            or_(
                ThemeProposal.meeting_id.is_(None),
                ThemeProposal.meeting_id == proposal.meeting_id,
            ),
        )
        .values(meeting_id=meeting.id)
        .execution_options(synchronize_session=False)
    )
    if not taken:  # picked or set aside by someone else a moment ago
        raise NotOpen()
    db.session.execute(
        update(ThemeProposal)
        .where(ThemeProposal.meeting_id == meeting.id, ThemeProposal.id != proposal.id)
        .values(meeting_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(proposal)
    meeting.theme = proposal.text
    audit.record(
        group,
        membership.user,
        "theme_picked",
        theme=proposal.text,
        start=occurrence.start.isoformat(),
    )
    return meeting


def set_aside(group: Group, actor: User, proposal: ThemeProposal) -> None:
    """Set an open proposal aside (a co-responsible member, once confirmed;
    the caller checks). It may be proposed again later."""
    done = rows_changed(
        update(ThemeProposal)
        .where(ThemeProposal.id == proposal.id, ThemeProposal.status == ProposalStatus.OPEN)
        .values(status=ProposalStatus.SET_ASIDE)
        .execution_options(synchronize_session=False)
    )
    if not done or is_picked(proposal):
        raise NotOpen()
    proposal.status = ProposalStatus.SET_ASIDE
    audit.record(group, actor, "theme_set_aside", theme=proposal.text)


# --- a member's copy of their data -------------------------------------------------


def proposals_of(user: User) -> list[dict[str, Any]]:
    """The themes the user proposed (still stored under one of their
    memberships) and those they support, found with the key."""
    found = db.session.execute(
        select(ThemeProposal, Group.name)
        .join(Group, Group.id == ThemeProposal.group_id)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id)
        .order_by(ThemeProposal.created_at, ThemeProposal.id)
    ).all()
    memberships = set(
        db.session.scalars(select(Membership.id).where(Membership.user_id == user.id))
    )
    keys = {p.id: supporter_of(p, user) for p, _name in found}
    supported = {
        proposal_id
        for proposal_id, supporter in db.session.execute(
            select(ThemeSupport.proposal_id, ThemeSupport.supporter).where(
                ThemeSupport.supporter.in_(list(keys.values()))
            )
        )
        if keys.get(proposal_id) == supporter
    }
    return [
        {
            "group": name,
            "theme": p.text,
            "proposed_by_you": p.proposed_by_id in memberships,
            "supported_by_you": p.id in supported,
        }
        for p, name in found
        if p.proposed_by_id in memberships or p.id in supported
    ]
