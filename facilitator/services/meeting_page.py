"""What the page of one meeting shows, composed in one place: the occurrence
(with its public holiday), its roles as the reader sees them, and its
attendance figures when the group counts attendance."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from facilitator.models import AttendanceRecord, Group, Membership, RoleType, User
from facilitator.services import attendance, meeting_shape, outbox, roles, schedule
from facilitator.services import groups as group_service


@dataclass(frozen=True)
class MeetingRoles:
    """The meeting's role slots, and where the reader stands among them."""

    role_slots: list[roles.RoleSlots]
    willing: set[int]  # the role types the reader is willing to take
    members_for_roles: list[Membership]  # who may be given a role (not away)
    i_am_away: bool
    i_hold_a_role: bool
    my_roles_here: list[str]
    my_role_types: list[RoleType]  # the roles the reader holds here (each once), with guides
    first_time_roles: set[int]  # of those, the ones the reader has never held before
    anyone_holds_a_role: bool
    roles_open: bool  # neither cancelled nor started


@dataclass(frozen=True)
class MeetingAttendance:
    """The headcount and the anonymous intentions (only when attendance is on)."""

    headcount: AttendanceRecord | None
    may_record: bool
    intentions: attendance.Intentions
    may_answer: bool


@dataclass(frozen=True)
class MeetingPage:
    occurrence: schedule.Occurrence
    roles: MeetingRoles
    attendance: MeetingAttendance | None  # None: the group does not count attendance
    # How the emails about the meeting went; for co-responsibles only.
    mail: outbox.MeetingMail | None = None
    # For the group's members only: never in a feed, an email or a discreet title.
    online_link: str = ""

    def context(self) -> dict[str, Any]:
        """The page's values as the template names them."""
        values: dict[str, Any] = {
            "occurrence": self.occurrence,
            "mail_status": self.mail,
            "online_link": self.online_link,
        }
        values |= {f.name: getattr(self.roles, f.name) for f in fields(self.roles)}
        values["attendance_on"] = self.attendance is not None
        if self.attendance is not None:
            values |= {f.name: getattr(self.attendance, f.name) for f in fields(self.attendance)}
        return values


def _roles(
    group: Group, membership: Membership, occurrence: schedule.Occurrence, now: datetime
) -> MeetingRoles:
    members = group_service.members_of(group)
    away = roles.away_on([m.id for m in members], occurrence.start.date())
    willing = roles.opted_in(membership)
    role_slots = roles.slots_of(group, occurrence)
    holding = {a.membership_id for rs in role_slots for a in rs.holders if a}
    mine = [
        rs.role
        for rs in role_slots
        if any(a and a.membership_id == membership.id for a in rs.holders)
    ]
    return MeetingRoles(
        role_slots=role_slots,
        willing=willing,
        members_for_roles=[m for m in members if m.id not in away],
        i_am_away=membership.id in away,
        i_hold_a_role=membership.id in holding,
        my_roles_here=[
            rs.role.name
            for rs in role_slots
            for a in rs.holders
            if a and a.membership_id == membership.id
        ],
        my_role_types=mine,
        first_time_roles=roles.first_times(
            membership.user_id, {r.id for r in mine}, occurrence.start
        ),
        anyone_holds_a_role=bool(holding),
        roles_open=not occurrence.cancelled and occurrence.start_utc > now,
    )


def _attendance(
    group: Group,
    membership: Membership,
    reader: User,
    occurrence: schedule.Occurrence,
    now: datetime,
) -> MeetingAttendance | None:
    if not group.attendance_enabled:
        return None
    headcount = attendance.record_of(occurrence)
    return MeetingAttendance(
        headcount=headcount,
        may_record=(
            not occurrence.cancelled
            and occurrence.start_utc <= now
            and attendance.may_record(group, membership, occurrence)
        ),
        intentions=attendance.intentions(reader, occurrence),
        may_answer=attendance.may_answer(group, occurrence, now),
    )


def meeting_page(
    group: Group,
    membership: Membership,
    reader: User,
    occurrence: schedule.Occurrence,
    now: datetime,
    language: str,
) -> MeetingPage:
    """The page of ``occurrence`` for ``reader`` (whose membership it is),
    public holidays named in ``language``."""
    schedule.mark_holidays([occurrence], {group.id: group.canton}, language)
    return MeetingPage(
        occurrence=occurrence,
        roles=_roles(group, membership, occurrence, now),
        attendance=_attendance(group, membership, reader, occurrence, now),
        mail=outbox.about_meeting(group.id, occurrence.key)
        if membership.is_coresponsible
        else None,
        online_link="" if occurrence.cancelled else meeting_shape.online_link_of(group, occurrence),
    )
