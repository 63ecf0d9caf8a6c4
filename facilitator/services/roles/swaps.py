"""Swaps and hand-overs: a holder offers their role to another member, alone
or in exchange for one of theirs, and the other member accepts or declines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from facilitator.domain.recurrence import to_aware, to_local
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership, User
from facilitator.models.roles import RoleAssignment, SwapRequest, Unavailability
from facilitator.services import audit, lookup, schedule
from facilitator.services.errors import Conflict, DomainError, NotFound
from facilitator.services.roles.absences import away_on
from facilitator.services.roles.errors import AlreadyHasRole, Away, MeetingClosed


class SwapInvalid(Conflict):
    message = _l("This request can no longer be carried out: a role has changed meanwhile.")


class YouHaveARoleThere(Conflict):
    message = _l("You already hold a role at that meeting.")


class _SwapRules:
    """What ``accept_swap`` would refuse, known before anyone is asked: the
    absences of the group's members and who holds a role at each coming
    meeting, loaded once (two queries) for a whole list of offers."""

    def __init__(self, group: Group, now: datetime):
        self.several = group.several_roles_per_meeting
        self.absences: dict[int, list[Unavailability]] = {}
        for item in db.session.scalars(
            select(Unavailability)
            .join(Membership)
            .where(
                Membership.group_id == group.id,
                Unavailability.last >= to_local(now, group.timezone).date(),
            )
        ):
            self.absences.setdefault(item.membership_id, []).append(item)
        self.holding: dict[int, set[int]] = {}  # meeting id -> who holds a role there
        for meeting_id, membership_id in db.session.execute(
            select(RoleAssignment.meeting_id, RoleAssignment.membership_id)
            .join(Meeting)
            .where(
                Meeting.group_id == group.id,
                RoleAssignment.membership_id.is_not(None),
                Meeting.start > to_local(now, group.timezone),
            )
        ):
            if membership_id is not None:
                self.holding.setdefault(meeting_id, set()).add(membership_id)

    def away(self, membership_id: int, day: date) -> bool:
        return any(u.first <= day <= u.last for u in self.absences.get(membership_id, ()))

    def _holds_another(
        self, membership_id: int, held: RoleAssignment, leaving: RoleAssignment | None
    ) -> bool:
        """Whether the member would hold two roles at ``held``'s meeting (the
        role ``leaving``, which they give in the exchange, does not count)."""
        if self.several or membership_id not in self.holding.get(held.meeting_id, ()):
            return False
        return not (leaving is not None and leaving.meeting_id == held.meeting_id)

    def refusal(
        self, giver: int, mine: RoleAssignment, target: int, other: RoleAssignment | None
    ) -> DomainError | None:
        """Why the offer of ``mine`` to ``target`` (for ``other``, in an
        exchange) would be refused, or None."""
        if self.away(target, mine.meeting.start.date()):
            return Away()
        if self._holds_another(target, mine, other):
            return AlreadyHasRole()
        if other is not None:
            if self.away(giver, other.meeting.start.date()):
                return Away(_("You have said you are away on that date."))
            if self._holds_another(giver, other, mine):
                return YouHaveARoleThere()
        return None


def swap_options(
    group: Group, membership: Membership, assignment: RoleAssignment, now: datetime
) -> tuple[list[Membership], list[RoleAssignment]]:
    """What a holder can offer, as two lists: the other members free to take
    the role (not away on its date, no other role at its meeting unless the
    group allows several), for a hand-over; and the other members' coming
    roles at other meetings that an exchange could really swap (each side
    free on the other's date), for an exchange. Nothing offered here is
    refused later for a reason known now."""
    rules = _SwapRules(group, now)
    others = [
        m
        for m in db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(contains_eager(Membership.user))
            .where(Membership.group_id == group.id)
            .order_by(User.display_name, Membership.id)
        )
        if m.id != membership.id
    ]
    members = [m for m in others if rules.refusal(membership.id, assignment, m.id, None) is None]
    local_now = to_local(now, group.timezone)
    theirs = db.session.scalars(
        select(RoleAssignment)
        .join(Meeting)
        .options(contains_eager(RoleAssignment.meeting), joinedload(RoleAssignment.role_type))
        .where(
            Meeting.group_id == group.id,
            Meeting.start > local_now,
            Meeting.cancelled.is_(False),
            Meeting.id != assignment.meeting_id,
            RoleAssignment.membership_id.is_not(None),
            RoleAssignment.membership_id != membership.id,
        )
        .order_by(Meeting.start)
    ).all()
    theirs = [
        a
        for a in theirs
        if a.membership_id is not None
        and rules.refusal(membership.id, assignment, a.membership_id, a) is None
    ]
    return members, theirs


def open_swap(
    assignment: RoleAssignment, target: Membership, other: RoleAssignment | None
) -> SwapRequest | None:
    """The open request for this very offer, if one was made already."""
    return db.session.scalar(
        select(SwapRequest).where(
            SwapRequest.assignment_id == assignment.id,
            SwapRequest.to_membership_id == target.id,
            SwapRequest.other_assignment_id.is_(None)
            if other is None
            else SwapRequest.other_assignment_id == other.id,
        )
    )


class AlreadyAsked(Conflict):
    """The same offer is open already (a double tap): nothing new to send."""

    def __init__(self, request: SwapRequest):
        self.request = request
        super().__init__(
            _(
                "You have already sent this request to %(name)s. It takes effect when they accept.",
                name=request.to_membership.user.display_name,
            )
        )


def propose_swap(
    group: Group,
    membership: Membership,
    assignment: RoleAssignment,
    target: Membership,
    other: RoleAssignment | None,
    now: datetime,
) -> SwapRequest:
    """Offer ``assignment`` to ``target`` (for ``other``, in an exchange),
    checked as ``accept_swap`` would check it. The same offer made again while
    open (a double tap) raises ``AlreadyAsked``, so that only one email goes
    out; a unique index on the open requests backs this against two requests
    at the same moment."""
    if assignment.membership_id != membership.id or target.group_id != group.id:
        raise NotFound()
    if target.id == membership.id:
        raise NotFound()
    if other is not None and (
        other.membership_id != target.id or other.meeting.group_id != group.id
    ):
        raise NotFound()
    for held in filter(None, (assignment, other)):
        if held.meeting.cancelled or to_aware(held.meeting.start, held.meeting.timezone) <= now:
            raise MeetingClosed()
    refusal = _SwapRules(group, now).refusal(membership.id, assignment, target.id, other)
    if refusal is not None:
        raise refusal
    existing = open_swap(assignment, target, other)
    if existing is not None:
        raise AlreadyAsked(existing)
    request = SwapRequest(
        assignment_id=assignment.id,
        other_assignment_id=other.id if other else None,
        from_membership_id=membership.id,
        to_membership_id=target.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:
        existing = open_swap(assignment, target, other)
        if existing is None:
            raise
        raise AlreadyAsked(existing) from None
    return request


def pending_swaps(membership: Membership) -> list[SwapRequest]:
    """Requests I made or received that are still open, with what the page
    says of them (both roles, their meetings, both people) in the same query."""
    roles_offered = [
        joinedload(relation).options(
            joinedload(RoleAssignment.meeting), joinedload(RoleAssignment.role_type)
        )
        for relation in (SwapRequest.assignment, SwapRequest.other_assignment)
    ]
    people = [
        joinedload(relation).joinedload(Membership.user)
        for relation in (SwapRequest.from_membership, SwapRequest.to_membership)
    ]
    return list(
        db.session.scalars(
            select(SwapRequest)
            .options(*roles_offered, *people)
            .where(
                (SwapRequest.from_membership_id == membership.id)
                | (SwapRequest.to_membership_id == membership.id)
            )
            .order_by(SwapRequest.created_at)
        )
    )


class SwapGone(NotFound):
    message = _l("This request is no longer open: it has been answered or withdrawn.")


def swap_in(membership: Membership, swap_id: int) -> SwapRequest:
    swap = lookup.get(SwapRequest, swap_id)
    if swap is None or membership.id not in (swap.from_membership_id, swap.to_membership_id):
        raise SwapGone()
    return swap


@dataclass(frozen=True)
class SwapNote:
    """A swap request in plain values, for the emails about it (the request
    itself is gone once answered)."""

    asker: User
    asked: User
    role: str
    start: datetime
    key: str
    other_role: str | None = None
    other_start: datetime | None = None


def swap_note(swap: SwapRequest) -> SwapNote:
    mine, theirs = swap.assignment, swap.other_assignment
    return SwapNote(
        swap.from_membership.user,
        swap.to_membership.user,
        mine.role_type.name,
        mine.meeting.start,
        schedule.key_of(mine.meeting),
        theirs.role_type.name if theirs else None,
        theirs.meeting.start if theirs else None,
    )


def cancel_swap(membership: Membership, swap: SwapRequest) -> None:
    """Either side withdraws or declines the request."""
    db.session.delete(swap)


def accept_swap(group: Group, membership: Membership, swap: SwapRequest, now: datetime) -> None:
    """The asked member accepts: the roles change hands (checked again now).
    A request whose roles changed hands meanwhile is deleted and SwapInvalid
    raised: the caller commits the deletion before saying why."""
    if swap.to_membership_id != membership.id:
        raise NotFound()
    mine, theirs = swap.assignment, swap.other_assignment
    giver = swap.from_membership
    if mine.membership_id != giver.id or (
        theirs is not None and theirs.membership_id != membership.id
    ):
        db.session.delete(swap)
        raise SwapInvalid()
    for held in filter(None, (mine, theirs)):
        if held.meeting.cancelled or to_aware(held.meeting.start, held.meeting.timezone) <= now:
            raise MeetingClosed()
    if membership.id in away_on([membership.id], mine.meeting.start.date()):
        raise Away(_("You have said you are away on that date."))
    if theirs is not None and giver.id in away_on([giver.id], theirs.meeting.start.date()):
        raise Away()
    several = group.several_roles_per_meeting
    # Free both holders first: inside one meeting the exclusive holders would
    # otherwise collide for a moment.
    for held in filter(None, (mine, theirs)):
        held.exclusive_holder = None
    db.session.flush()
    mine.membership_id = membership.id
    mine.exclusive_holder = None if several else membership.id
    if theirs is not None:
        theirs.membership_id = giver.id
        theirs.exclusive_holder = None if several else giver.id
    mine.reminded_at = None
    if theirs is not None:
        theirs.reminded_at = None
    db.session.delete(swap)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AlreadyHasRole() from exc
    group.version += 1
    audit.record(
        group,
        membership.user,
        "role_swapped",
        subject=giver.user,
        role=mine.role_type.name,
        start=mine.meeting.start.isoformat(),
    )
