"""The fair auto-fill: who should take the open slots of the next meetings
(see ``rotation``), shown as a proposal and applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from facilitator.domain import rotation
from facilitator.domain.recurrence import to_local
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership, User
from facilitator.models.roles import RoleAssignment, RoleOptIn, Unavailability
from facilitator.services import audit, schedule
from facilitator.services.errors import DomainError
from facilitator.services.lookup import owned
from facilitator.services.roles.absences import away_on
from facilitator.services.roles.definitions import role_type_in, role_types
from facilitator.services.roles.errors import Away
from facilitator.services.roles.fair_share import members_by_seniority
from facilitator.services.roles.slots import RoleSlots, _check_open, _insert, slots_for


@dataclass
class Proposal:
    occurrences: list  # the meetings considered, in order
    choices: list  # rotation.Choice, one per open slot
    role_names: dict[int, str]
    members: dict[int, Membership]
    # rotation.Reason by slot: the past counted apart from the coming meetings
    reasons: dict = field(default_factory=dict)

    def reason_for(self, key: str, role_id: int, index: int) -> rotation.Reason | None:
        """The reason for the slot (meeting key, role, index), if it was open."""
        return self._by_key.get((key, role_id, index))

    def __post_init__(self) -> None:
        self._by_key = {(s.meeting, s.role, s.index): r for s, r in self.reasons.items()}


def autofill_proposal(group: Group, count: int, now: datetime) -> Proposal:
    """Who should take the open slots of the next ``count`` meetings (see
    ``rotation``): a proposal to show, adjust and apply."""
    upcoming = [o for o in schedule.upcoming([group.id], now, limit=None) if not o.cancelled]
    upcoming = upcoming[:count]
    members = members_by_seniority(group)
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
        if a.membership_id is not None  # the query asks for held slots only
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

    def unavailable(membership_id: int, day: date) -> bool:
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
    slots = slots_for(group, proposal.occurrences)
    return Filled(list(zip(proposal.occurrences, slots, strict=True)), proposal)


def apply_autofill(
    group: Group, actor: User, picks: list[tuple[str, int, int, int]], now: datetime
) -> tuple[list[RoleAssignment], int]:
    """Assign (meeting key, role id, slot, membership id) picks; slots taken
    meanwhile are skipped. Returns (the assignments made, skipped).

    Each pick runs in a savepoint, so a pick that fails (a slot taken
    meanwhile, a member away) is undone alone and the others stay; the
    caller's commit saves them all in one transaction."""
    given: list[RoleAssignment] = []
    skipped = 0
    for key, role_id, slot, membership_id in picks:
        try:
            with db.session.begin_nested():
                occurrence = schedule.find(group, key)
                role = role_type_in(group, role_id)
                membership = owned(Membership, membership_id, group_id=group.id)
                _check_open(occurrence, now)
                if membership.id in away_on([membership.id], occurrence.start.date()):
                    raise Away()
                meeting = schedule.materialize(occurrence)
                given.append(_insert(group, meeting, role, slot, membership))
        except DomainError:
            skipped += 1
    if given:
        group.version += 1
        audit.record(group, actor, "roles_filled", count=len(given))
    return given, skipped
