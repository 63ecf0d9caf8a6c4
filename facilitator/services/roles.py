"""Meeting roles: role types, willingness, taking and releasing slots,
assignments by co-responsibles, and unavailability.

The database enforces one holder per (meeting, role, slot) and one role per
member per meeting (unless the group allows several); a race for the last
slot ends in an IntegrityError that becomes a clear message here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import force_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from facilitator.domain import rotation
from facilitator.domain.recurrence import to_aware, to_local
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership, User
from facilitator.models.roles import (
    RoleAssignment,
    RoleOptIn,
    RoleType,
    SwapRequest,
    Unavailability,
)
from facilitator.services import audit, lookup, schedule
from facilitator.services.errors import Conflict, DomainError, Forbidden, NotFound
from facilitator.services.lookup import owned

# name (context "role": "Welcome" is also a page title), description, slots;
# created in the group's language.
DEFAULT_ROLES = (
    (
        lazy_pgettext("role", "Facilitation"),
        _l("Opens the meeting, gives the floor, keeps the exchange respectful."),
        1,
    ),
    (
        lazy_pgettext("role", "Timekeeping"),
        _l("Watches the time so that everyone can speak and the meeting ends on time."),
        1,
    ),
    (
        lazy_pgettext("role", "Welcome"),
        _l("Welcomes newcomers, explains how the group works and its confidentiality."),
        1,
    ),
    (
        lazy_pgettext("role", "Notes"),
        _l("Notes decisions and practical points, never what people shared."),
        1,
    ),
    (
        lazy_pgettext("role", "Room and keys"),
        _l("Fetches the keys, opens and tidies the room, closes up."),
        1,
    ),
)


class SlotTaken(Conflict):
    message = _l("Someone has just taken this role. Choose another one.")


class AlreadyHasRole(Conflict):
    message = _l("This person already holds a role at this meeting.")


class Away(Conflict):
    message = _l("This person has said they are away on that date.")


class TooLate(Forbidden):
    message = _l(
        "It is too close to the meeting to release this role yourself. Ask a co-responsible member."
    )


class MeetingClosed(Conflict):
    message = _l("Roles can only be taken for meetings to come that are not cancelled.")


def create_defaults(group: Group) -> None:
    """Give a new group the usual roles, named in the group's language."""
    with force_locale(group.language):
        for position, (name, description, slots) in enumerate(DEFAULT_ROLES):
            db.session.add(
                RoleType(
                    group_id=group.id,
                    name=str(name),
                    description=str(description),
                    slots=slots,
                    position=position,
                )
            )


def role_types(group: Group, include_retired: bool = False):
    query = select(RoleType).where(RoleType.group_id == group.id)
    if not include_retired:
        query = query.where(RoleType.active.is_(True))
    return query.order_by(RoleType.active.desc(), RoleType.position, RoleType.id)


def role_type_in(group: Group, role_type_id: int) -> RoleType:
    return owned(RoleType, role_type_id, group_id=group.id)


@dataclass
class RoleData:
    name: str
    description: str
    slots: int


def add_role_type(group: Group, actor: User, data: RoleData) -> RoleType:
    last = db.session.scalar(
        select(RoleType.position)
        .where(RoleType.group_id == group.id)
        .order_by(RoleType.position.desc())
        .limit(1)
    )
    role = RoleType(
        group_id=group.id,
        name=data.name,
        description=data.description,
        slots=data.slots,
        position=(last or 0) + 1,
    )
    db.session.add(role)
    group.version += 1
    audit.record(group, actor, "role_type_added", name=data.name)
    db.session.commit()
    return role


def update_role_type(group: Group, actor: User, role: RoleType, data: RoleData) -> None:
    role.name, role.description, role.slots = data.name, data.description, data.slots
    group.version += 1
    audit.record(group, actor, "role_type_changed", name=data.name)
    db.session.commit()


def set_active(group: Group, actor: User, role: RoleType, active: bool) -> None:
    """Retire a role (its history stays) or bring it back."""
    role.active = active
    group.version += 1
    audit.record(
        group, actor, "role_type_retired" if not active else "role_type_restored", name=role.name
    )
    db.session.commit()


def move(group: Group, role: RoleType, step: int) -> None:
    """Move a role one place up (-1) or down (+1) in the group's order."""
    ordered = db.session.scalars(role_types(group)).all()
    index = ordered.index(role)
    other = index + step
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
        db.session.commit()


# --- willingness --------------------------------------------------------------


def opted_in(membership: Membership) -> set[int]:
    return set(
        db.session.scalars(
            select(RoleOptIn.role_type_id).where(RoleOptIn.membership_id == membership.id)
        )
    )


def set_opt_ins(membership: Membership, role_type_ids: set[int]) -> None:
    valid = set(
        db.session.scalars(select(RoleType.id).where(RoleType.group_id == membership.group_id))
    )
    wanted = role_type_ids & valid
    current = opted_in(membership)
    db.session.execute(
        delete(RoleOptIn).where(
            RoleOptIn.membership_id == membership.id,
            RoleOptIn.role_type_id.in_(current - wanted),
        )
    )
    for role_id in wanted - current:
        db.session.add(RoleOptIn(membership_id=membership.id, role_type_id=role_id))
    db.session.commit()


# --- unavailability -------------------------------------------------------------


def away_on(membership_ids, day: date) -> set[int]:
    """The memberships among ``membership_ids`` that are away on ``day``."""
    return set(
        db.session.scalars(
            select(Unavailability.membership_id).where(
                Unavailability.membership_id.in_(list(membership_ids)),
                Unavailability.first <= day,
                Unavailability.last >= day,
            )
        )
    )


def add_unavailability(
    membership: Membership, first: date, last: date, note: str
) -> Unavailability:
    item = Unavailability(membership_id=membership.id, first=first, last=last, note=note)
    db.session.add(item)
    db.session.commit()
    return item


def unavailabilities(membership: Membership, today: date):
    return (
        select(Unavailability)
        .where(Unavailability.membership_id == membership.id, Unavailability.last >= today)
        .order_by(Unavailability.first)
    )


def remove_unavailability(membership: Membership, item_id: int) -> None:
    db.session.delete(owned(Unavailability, item_id, membership_id=membership.id))
    db.session.commit()


@dataclass
class RoleWhileAway:
    """A coming role of a member on a date they said they are away."""

    assignment: RoleAssignment
    releasable: bool  # before the group's cut-off: "give it back" still works


def roles_while_away(membership: Membership, now: datetime) -> list[RoleWhileAway]:
    """The member's coming roles (meetings not cancelled) that fall within one
    of their absences, soonest first: each to give back or hand over."""
    group = membership.group
    absences = db.session.scalars(
        unavailabilities(membership, to_local(now, group.timezone).date())
    ).all()
    if not absences:
        return []
    held = db.session.scalars(
        select(RoleAssignment)
        .join(Meeting)
        .where(
            RoleAssignment.membership_id == membership.id,
            Meeting.cancelled.is_(False),
            Meeting.start > to_local(now, group.timezone),
        )
        .order_by(Meeting.start)
    ).all()
    cut_off = timedelta(hours=group.role_release_hours)
    return [
        RoleWhileAway(a, to_aware(a.meeting.start, a.meeting.timezone) - cut_off > now)
        for a in held
        if any(u.first <= a.meeting.start.date() <= u.last for u in absences)
    ]


# --- slots ----------------------------------------------------------------------


@dataclass
class RoleSlots:
    role: RoleType
    holders: list[RoleAssignment | None]  # one entry per slot


def slots_of(group: Group, occurrence: schedule.Occurrence) -> list[RoleSlots]:
    """Each active role (and any retired one still held) with its slots."""
    held = []
    if occurrence.meeting is not None:
        held = db.session.scalars(
            select(RoleAssignment).where(RoleAssignment.meeting_id == occurrence.meeting.id)
        ).all()
    by_role: dict[int, dict[int, RoleAssignment]] = {}
    for assignment in held:
        by_role.setdefault(assignment.role_type_id, {})[assignment.slot] = assignment
    result = []
    for role in db.session.scalars(role_types(group, include_retired=True)):
        if not role.active and role.id not in by_role:
            continue
        slots = max(role.slots, max(by_role.get(role.id, {}).keys(), default=-1) + 1)
        result.append(RoleSlots(role, [by_role.get(role.id, {}).get(i) for i in range(slots)]))
    return result


def _check_open(occurrence: schedule.Occurrence, now: datetime) -> None:
    if occurrence.cancelled or occurrence.start_utc <= now:
        raise MeetingClosed()


def _insert(
    group: Group, meeting: Meeting, role: RoleType, slot: int, membership: Membership
) -> RoleAssignment:
    if not 0 <= slot < role.slots:
        raise NotFound()
    assignment = RoleAssignment(
        meeting_id=meeting.id,
        role_type_id=role.id,
        slot=slot,
        membership_id=membership.id,
        exclusive_holder=None if group.several_roles_per_meeting else membership.id,
    )
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        taken = db.session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.meeting_id == meeting.id,
                RoleAssignment.role_type_id == role.id,
                RoleAssignment.slot == slot,
            )
        )
        raise (SlotTaken() if taken else AlreadyHasRole()) from exc
    return assignment


def mark_exclusive_holders(group: Group) -> None:
    """The group now allows one role per member and meeting: mark the holders.

    While several roles were allowed, assignments carried no marker, so the
    database would let a member take yet another role. Each holder's first role
    at a meeting is marked again; a member who already holds two keeps them
    (the second stays unmarked) but cannot take a third.
    """
    assignments = db.session.scalars(
        select(RoleAssignment)
        .join(Meeting, RoleAssignment.meeting_id == Meeting.id)
        .where(Meeting.group_id == group.id, RoleAssignment.membership_id.is_not(None))
        .order_by(RoleAssignment.meeting_id, RoleAssignment.id)
    ).all()
    marked = {(a.meeting_id, a.exclusive_holder) for a in assignments if a.exclusive_holder}
    for assignment in assignments:
        key = (assignment.meeting_id, assignment.membership_id)
        if assignment.exclusive_holder is None and key not in marked:
            assignment.exclusive_holder = assignment.membership_id
            marked.add(key)
    db.session.flush()


def take(group: Group, membership: Membership, occurrence, role: RoleType, slot: int, now) -> bool:
    """An available member takes an open slot ("I'll take it"). Taking a role
    is the clearest way to say one is willing: the willingness is recorded at
    the same time, so the fair fill counts the member next time. Returns
    whether it was newly recorded."""
    _check_open(occurrence, now)
    if not role.active:
        raise NotFound()
    if membership.id in away_on([membership.id], occurrence.start.date()):
        raise Away(_("You have said you are away on that date."))
    meeting = schedule.materialize(occurrence)
    _insert(group, meeting, role, slot, membership)
    newly_willing = role.id not in opted_in(membership)
    if newly_willing:
        # A second take of this role at another meeting, at the same moment,
        # may record it first: then it is simply recorded already.
        try:
            with db.session.begin_nested():
                db.session.add(RoleOptIn(membership_id=membership.id, role_type_id=role.id))
        except IntegrityError:
            newly_willing = False
    group.version += 1
    db.session.commit()
    return newly_willing


def assign(
    group: Group, actor: User, occurrence, role: RoleType, slot: int, membership: Membership, now
) -> tuple[RoleAssignment, Membership | None]:
    """A co-responsible gives a slot to a member (anyone not away). Returns the
    new assignment and the member who held the slot until now, if another."""
    _check_open(occurrence, now)
    if membership.group_id != group.id:
        raise NotFound()
    if membership.id in away_on([membership.id], occurrence.start.date()):
        raise Away()
    meeting = schedule.materialize(occurrence)
    existing = db.session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.meeting_id == meeting.id,
            RoleAssignment.role_type_id == role.id,
            RoleAssignment.slot == slot,
        )
    )
    previous = None
    if existing is not None:
        if existing.membership_id != membership.id:
            previous = existing.membership
        db.session.delete(existing)
        db.session.flush()
    assignment = _insert(group, meeting, role, slot, membership)
    group.version += 1
    audit.record(
        group,
        actor,
        "role_assigned",
        subject=membership.user,
        role=role.name,
        start=occurrence.start.isoformat(),
    )
    db.session.commit()
    return assignment, previous


def assignment_in(group: Group, assignment_id: int) -> RoleAssignment:
    assignment = lookup.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.meeting.group_id != group.id:
        raise NotFound()
    return assignment


def release(group: Group, membership: Membership, assignment: RoleAssignment, now) -> None:
    """A member gives back their own slot, until the group's cut-off."""
    if assignment.membership_id != membership.id:
        raise NotFound()
    start = to_aware(assignment.meeting.start, assignment.meeting.timezone)
    if start - timedelta(hours=group.role_release_hours) <= now:
        raise TooLate()
    db.session.delete(assignment)
    group.version += 1
    db.session.commit()


class HolderChanged(Conflict):
    message = _l(
        "Someone else holds this role now (a swap was accepted meanwhile). Check "
        "again before you open it."
    )


def unassign(group: Group, actor: User, assignment: RoleAssignment, holder_id: int | None) -> None:
    """Open a role again, if it is still held by ``holder_id`` (the holder the
    co-responsible saw on the confirmation page; None for a former member)."""
    if assignment.membership_id != holder_id:
        raise HolderChanged()
    holder = assignment.membership.user if assignment.membership else None
    audit.record(
        group,
        actor,
        "role_unassigned",
        subject=holder,
        role=assignment.role_type.name,
        start=assignment.meeting.start.isoformat(),
    )
    db.session.delete(assignment)
    group.version += 1
    db.session.commit()


def drop_future_assignments(membership: Membership, now: datetime) -> list[tuple[datetime, str]]:
    """A member leaves: their slots from now on reopen (the past stays).
    Returns what reopened: (meeting start, role name), soonest first."""
    local_now = to_local(now, membership.group.timezone)
    future = db.session.scalars(
        select(RoleAssignment)
        .join(Meeting)
        .where(RoleAssignment.membership_id == membership.id, Meeting.start >= local_now)
        .order_by(Meeting.start)
    ).all()
    reopened = [(a.meeting.start, a.role_type.name) for a in future]
    for assignment in future:
        db.session.delete(assignment)
    return reopened


# --- fair auto-fill ---------------------------------------------------------------


@dataclass
class Proposal:
    occurrences: list  # the meetings considered, in order
    choices: list  # rotation.Choice, one per open slot
    role_names: dict[int, str]
    members: dict[int, Membership]
    # rotation.Reason by slot: the past counted apart from the coming meetings
    reasons: dict = field(default_factory=dict)

    def reason_for(self, key: str, role_id: int, index: int):
        """The reason for the slot (meeting key, role, index), if it was open."""
        return self._by_key.get((key, role_id, index))

    def __post_init__(self):
        self._by_key = {(s.meeting, s.role, s.index): r for s, r in self.reasons.items()}


def autofill_proposal(group: Group, count: int, now: datetime) -> Proposal:
    """Who should take the open slots of the next ``count`` meetings (see
    ``rotation``): a proposal to show, adjust and apply."""
    upcoming = [o for o in schedule.upcoming([group.id], now, limit=None) if not o.cancelled]
    upcoming = upcoming[:count]
    members = db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id)
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    role_list = db.session.scalars(role_types(group)).all()
    since = to_local(now - timedelta(days=366), group.timezone)
    held_rows = db.session.execute(
        select(RoleAssignment, Meeting)
        .join(Meeting)
        .where(
            Meeting.group_id == group.id,
            Meeting.start >= since,
            RoleAssignment.membership_id.is_not(None),
        )
    ).all()
    history = [
        rotation.Held(a.membership_id, a.role_type_id, m.start.date(), schedule.key_of(m))
        for a, m in held_rows
    ]
    taken = {(schedule.key_of(m), a.role_type_id, a.slot) for a, m in held_rows}
    slots = [
        rotation.Slot(o.key, o.start.date(), role.id, index)
        for o in upcoming
        for role in role_list
        for index in range(role.slots)
        if (o.key, role.id, index) not in taken
    ]
    opt_ins = db.session.execute(
        select(RoleOptIn.membership_id, RoleOptIn.role_type_id).where(
            RoleOptIn.membership_id.in_([m.id for m in members])
        )
    ).all()
    willing: dict[int, set[int]] = {}
    for membership_id, role_id in opt_ins:
        willing.setdefault(membership_id, set()).add(role_id)
    absences = db.session.scalars(
        select(Unavailability).where(Unavailability.membership_id.in_([m.id for m in members]))
    ).all()

    def unavailable(membership_id, day):
        return any(a.membership_id == membership_id and a.first <= day <= a.last for a in absences)

    choices = rotation.propose(
        slots,
        [m.id for m in members],
        willing,
        history,
        unavailable,
        several_roles_per_meeting=group.several_roles_per_meeting,
    )
    return Proposal(
        occurrences=upcoming,
        choices=choices,
        role_names={r.id: r.name for r in role_list},
        members={m.id: m for m in members},
        reasons=rotation.explain(choices, history, to_local(now, group.timezone).date()),
    )


@dataclass
class Filled:
    """The next meetings after a fair fill: who holds what, and for the slots
    still open, why nobody (``proposal.reason_for``)."""

    meetings: list[tuple[schedule.Occurrence, list[RoleSlots]]]
    proposal: Proposal


def filled(group: Group, count: int, now: datetime) -> Filled:
    proposal = autofill_proposal(group, count, now)
    return Filled([(o, slots_of(group, o)) for o in proposal.occurrences], proposal)


def apply_autofill(
    group: Group, actor: User, picks: list[tuple[str, int, int, int]], now
) -> tuple[list[RoleAssignment], int]:
    """Assign (meeting key, role id, slot, membership id) picks; slots taken
    meanwhile are skipped. Returns (the assignments made, skipped)."""
    given: list[RoleAssignment] = []
    skipped = 0
    for key, role_id, slot, membership_id in picks:
        try:
            occurrence = schedule.find(group, key)
            role = role_type_in(group, role_id)
            membership = owned(Membership, membership_id, group_id=group.id)
            _check_open(occurrence, now)
            if membership.id in away_on([membership.id], occurrence.start.date()):
                raise Away()
            meeting = schedule.materialize(occurrence)
            given.append(_insert(group, meeting, role, slot, membership))
            db.session.commit()
        except DomainError:
            db.session.rollback()
            skipped += 1
    if given:
        group.version += 1
        audit.record(group, actor, "roles_filled", count=len(given))
        db.session.commit()
    return given, skipped


# --- fairness and "my roles" ----------------------------------------------------


@dataclass
class FairnessRow:
    membership: Membership
    counts: dict[int, int]  # role type id -> times held in the last 12 months
    next_day: date | None
    next_role: str | None


def fairness(group: Group, now: datetime) -> list[FairnessRow]:
    """Per member: how often each role was held in the last twelve months, and
    the member's next role."""
    local_now = to_local(now, group.timezone)
    since = local_now - timedelta(days=365)
    members = db.session.scalars(
        select(Membership)
        .join(Membership.user)
        .options(contains_eager(Membership.user))
        .where(Membership.group_id == group.id)
        .order_by(Membership.joined_at, Membership.id)
    ).all()
    rows = {m.id: FairnessRow(m, {}, None, None) for m in members}
    held = db.session.execute(
        select(
            RoleAssignment.membership_id,
            RoleAssignment.role_type_id,
            Meeting.start,
            Meeting.cancelled,
            RoleType.name,
        )
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .where(Meeting.group_id == group.id, Meeting.start >= since)
        .order_by(Meeting.start)
    ).all()
    for membership_id, role_id, start, cancelled, name in held:
        row = rows.get(membership_id)
        if row is None:
            continue
        if start < local_now:
            if not cancelled:
                row.counts[role_id] = row.counts.get(role_id, 0) + 1
        elif row.next_day is None and not cancelled:
            row.next_day, row.next_role = start.date(), name
    return list(rows.values())


@dataclass
class MyRole:
    group: Group
    occurrence_key: str
    start: datetime
    role: str


def my_roles(user: User, now: datetime) -> list[MyRole]:
    """The user's coming roles across all groups, soonest first."""
    rows = db.session.execute(
        select(RoleAssignment, Meeting, RoleType, Group)
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .join(Group, Group.id == Meeting.group_id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .where(
            Membership.user_id == user.id,
            Meeting.cancelled.is_(False),
            Meeting.start >= (now - timedelta(days=1)).replace(tzinfo=None),
        )
        .order_by(Meeting.start)
    ).all()
    found = [
        MyRole(group, schedule.key_of(meeting), meeting.start, role.name)
        for _a, meeting, role, group in rows
        if to_aware(meeting.start, meeting.timezone) > now
    ]
    return found


def _marks(held) -> dict[tuple[int, str], list[str]]:
    """(group id, meeting key, role name) triples, as role names by meeting."""
    marks: dict[tuple[int, str], list[str]] = {}
    for group_id, key, name in held:
        marks.setdefault((group_id, key), []).append(name)
    return marks


def by_meeting(mine: list[MyRole]) -> dict[tuple[int, str], list[str]]:
    """My roles keyed by (group id, meeting key), to mark them in meeting lists."""
    return _marks((item.group.id, item.occurrence_key, item.role) for item in mine)


def my_marks(user: User, group: Group, now: datetime) -> dict[tuple[int, str], list[str]]:
    """``by_meeting`` for one group's list of meetings, from one light query
    (plain columns, no objects to build)."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.series_id, Meeting.original_start, RoleType.name)
        .join(RoleAssignment, RoleAssignment.meeting_id == Meeting.id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .join(Membership, Membership.id == RoleAssignment.membership_id)
        .where(
            Membership.user_id == user.id,
            Meeting.group_id == group.id,
            Meeting.start >= to_local(now, group.timezone) - timedelta(days=1),
        )
        .order_by(Meeting.start, RoleType.position)
    )
    return _marks(
        (group.id, schedule.key_from(meeting_id, series_id, original_start), name)
        for meeting_id, series_id, original_start, name in rows
    )


# --- swaps and hand-overs ---------------------------------------------------------


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


def swap_options(group: Group, membership: Membership, assignment: RoleAssignment, now):
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
        a for a in theirs if rules.refusal(membership.id, assignment, a.membership_id, a) is None
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
    now,
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
    db.session.add(request)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = open_swap(assignment, target, other)
        if existing is None:
            raise
        raise AlreadyAsked(existing) from None
    return request


def pending_swaps(membership: Membership):
    """Requests I made or received that are still open."""
    return (
        select(SwapRequest)
        .where(
            (SwapRequest.from_membership_id == membership.id)
            | (SwapRequest.to_membership_id == membership.id)
        )
        .order_by(SwapRequest.created_at)
    )


class SwapGone(NotFound):
    message = _l("This request is no longer open: it has been answered or withdrawn.")


def swap_in(membership: Membership, swap_id: int):
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


def swap_note(swap) -> SwapNote:
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


def cancel_swap(membership: Membership, swap) -> None:
    """Either side withdraws or declines the request."""
    db.session.delete(swap)
    db.session.commit()


def accept_swap(group: Group, membership: Membership, swap, now) -> None:
    """The asked member accepts: the roles change hands (checked again now)."""
    if swap.to_membership_id != membership.id:
        raise NotFound()
    mine, theirs = swap.assignment, swap.other_assignment
    giver = swap.from_membership
    if mine.membership_id != giver.id or (
        theirs is not None and theirs.membership_id != membership.id
    ):
        db.session.delete(swap)
        db.session.commit()
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
        db.session.rollback()
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
    db.session.commit()
