"""Health signals for many groups at once (the staff's group list) or for
one (its settings page), in a fixed number of statements; the thresholds
are in domain/health.py.

What is computed never names anyone: a meeting count, open slots, a share of
roles, whether a co-responsible logged in. Staff see the signals of the
groups that share them (``Group.share_signals``, on by default, turned off
on the group's settings); for the others nothing is computed. A group that
is being founded has no signals.

Three statements besides the meetings (services/group_meetings.py, whose
window the caller reads at least ``quiet_weeks`` back): the groups with the
last log-in of a co-responsible and the slots of their active roles; the
roles taken at their coming meetings, by meeting; the roles taken at their
meetings held in the last 12 months, by group: the total and the most that
one member held (counted by group and holder in the database, never read
out by holder). The 12 months and
the coming meetings are counted in Swiss time (the groups' meetings are).

``HEALTH_QUIET_WEEKS`` (config, default 6): the weeks without a meeting
after which a group shows the signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, case, func, or_, select

from facilitator.domain import health
from facilitator.domain.health import Facts, Signals, Thresholds
from facilitator.extensions import db
from facilitator.models import Group, Meeting, Membership, User
from facilitator.models.groups import MemberRole
from facilitator.models.roles import RoleAssignment, RoleType
from facilitator.services import centres, group_meetings
from facilitator.services.group_meetings import WINDOW, Start

SWISS = ZoneInfo("Europe/Zurich")
YEAR = timedelta(days=365)


def thresholds() -> Thresholds:
    return Thresholds(quiet_weeks=current_app.config["HEALTH_QUIET_WEEKS"])


def lookback(limits: Thresholds) -> timedelta:
    """How far back the meetings passed to ``compute`` must reach."""
    return timedelta(weeks=limits.quiet_weeks)


def compute(
    group_ids: Select,
    meetings: Mapping[int, list[Start]],
    now: datetime,
    limits: Thresholds,
) -> dict[int, Signals]:
    """The signals of the groups of ``group_ids`` (a select of ids), from
    their ``meetings`` (group_meetings.starts_between over the window and
    ``lookback`` back); ``now`` is aware."""
    coresponsible_login = (
        select(func.max(User.last_login_at))
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.group_id == Group.id,
            or_(Membership.role == MemberRole.CORESPONSIBLE, Group.all_coresponsible),
        )
        .scalar_subquery()
    )
    role_slots = (
        select(func.coalesce(func.sum(RoleType.slots), 0))
        .where(RoleType.group_id == Group.id, RoleType.active)
        .scalar_subquery()
    )
    groups = db.session.execute(
        select(
            Group.id,
            Group.timezone,
            Group.created_at,
            Group.founding,
            coresponsible_login,
            role_slots,
        ).where(Group.id.in_(group_ids))
    ).all()
    if not groups:
        return {}
    swiss_now = now.astimezone(SWISS).replace(tzinfo=None)
    taken = dict(
        db.session.execute(
            select(RoleAssignment.meeting_id, func.count())
            .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
            .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
            .where(
                Meeting.group_id.in_(group_ids),
                Meeting.start >= swiss_now - timedelta(days=1),
                Meeting.start < swiss_now + WINDOW + timedelta(days=2),
                RoleType.active,
                RoleAssignment.slot < RoleType.slots,
            )
            .group_by(RoleAssignment.meeting_id)
        ).all()
    )
    # Roles taken at held meetings, by group and holder; then by group: the
    # total and the most by one member (a former member is no one: NULL).
    by_holder = (
        select(
            Meeting.group_id.label("group_id"),
            RoleAssignment.membership_id.label("holder"),
            func.count().label("taken"),
        )
        .join(Meeting, Meeting.id == RoleAssignment.meeting_id)
        .where(
            Meeting.group_id.in_(group_ids),
            Meeting.cancelled.is_(False),
            Meeting.start >= swiss_now - YEAR,
            Meeting.start < swiss_now,
        )
        .group_by(Meeting.group_id, RoleAssignment.membership_id)
        .subquery()
    )
    shares = {
        gid: (int(total), int(top or 0))  # PostgreSQL sums as numeric
        for gid, total, top in db.session.execute(
            select(
                by_holder.c.group_id,
                func.sum(by_holder.c.taken),
                func.max(case((by_holder.c.holder.is_not(None), by_holder.c.taken))),
            ).group_by(by_holder.c.group_id)
        )
    }
    result = {}
    local_now: dict[str, datetime] = {}
    for gid, timezone, created_at, founding, login, slots in groups:
        if founding:
            result[gid] = health.NONE
            continue
        here = local_now.get(timezone)
        if here is None:
            here = local_now[timezone] = now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
        result[gid] = health.signals(
            Facts(
                local_now=here,
                now=now,
                created_at=created_at,
                meetings=meetings.get(gid, []),
                role_slots=slots,
                taken=taken,
                roles_taken=shares.get(gid, (0, 0))[0],
                most_by_one=shares.get(gid, (0, 0))[1],
                last_coresponsible_login=login,
            ),
            limits,
        )
    return result


def of_group(group: Group, now: datetime) -> Signals:
    """The group's own signals (shared or not), for its settings page."""
    limits = thresholds()
    ids = select(Group.id).where(Group.id == group.id)
    today = now.astimezone(ZoneInfo(group.timezone)).date()
    meetings = group_meetings.starts_between(
        ids,
        today - lookback(limits) - timedelta(days=1),
        today + WINDOW + timedelta(days=1),
        ids_from=datetime.combine(today - timedelta(days=1), time.min),
    )
    return compute(ids, meetings, now, limits).get(group.id, health.NONE)


def set_sharing(group: Group, actor: User, share: bool) -> bool:
    """Share the signals with the group's centre, or stop (recorded in the
    group's history); whether it changed."""
    return centres.set_shared(group, actor, "signals", share)
