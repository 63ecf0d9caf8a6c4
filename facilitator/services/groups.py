"""Groups and membership: creating groups, co-responsibility, leaving.

A group always keeps at least one co-responsible member. Every membership
change is written to the audit trail in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ScalarSelect, Select, SQLColumnExpression, bindparam, func, select
from sqlalchemy.orm import aliased, contains_eager

from facilitator.extensions import db
from facilitator.models import Group, Membership, RoleType, User
from facilitator.models._common import utcnow
from facilitator.models.groups import MemberRole
from facilitator.services import audit, charter, clock, feeds, roles, schedule
from facilitator.services.errors import LastCoresponsible
from facilitator.services.lookup import owned


@dataclass
class GroupData:
    """The editable settings of a group, already validated by the form."""

    name: str
    description: str
    theme: str
    canton: str
    language: str
    timezone: str
    default_location: str
    all_coresponsible: bool = False
    feed_title_mode: str = "full"
    role_release_hours: int = 48
    several_roles_per_meeting: bool = False
    feed_show_roles: bool = True
    retention_months: int | None = None
    listed: bool = False
    directory_title: str = ""
    town: str = ""
    accepting_newcomers: bool = True

    @classmethod
    def starting(cls, *, name: str, language: str, canton: str, default_location: str) -> GroupData:
        """A new group: what is needed to start, the usual defaults for the rest."""
        return cls(
            name=name,
            description="",
            theme="other",
            canton=canton,
            language=language,
            timezone="Europe/Zurich",
            default_location=default_location,
        )

    @classmethod
    def of(cls, group: Group) -> GroupData:
        """The group's current settings (to change some with dataclasses.replace)."""
        return cls(**{f.name: getattr(group, f.name) for f in fields(cls)})


def create_group(creator: User, data: GroupData) -> Group:
    """Create a group; its creator becomes its first co-responsible member."""
    group = Group()
    _apply(group, data)
    db.session.add(group)
    db.session.add(Membership(user=creator, group=group, role=MemberRole.CORESPONSIBLE))
    audit.record(group, creator, "group_created")
    roles.create_defaults(group)
    charter.start(group)
    db.session.flush()
    return group


def update_group(group: Group, actor: User, data: GroupData) -> None:
    changed = sorted(name for name, value in vars(data).items() if getattr(group, name) != value)
    if not changed:
        return
    if group.all_coresponsible and not data.all_coresponsible:
        # Whoever turns the setting off stays co-responsible, so the group
        # never ends up without one.
        mine = db.session.scalar(Membership.select_for(actor.id, group.id))
        if mine is not None:
            mine.role = MemberRole.CORESPONSIBLE
    _apply(group, data)
    if "several_roles_per_meeting" in changed and not data.several_roles_per_meeting:
        roles.mark_exclusive_holders(group)
    group.version += 1  # the name and time zone show in calendar feeds
    audit.record(group, actor, "group_updated", fields=changed)


def _apply(group: Group, data: GroupData) -> None:
    for name, value in vars(data).items():
        setattr(group, name, value)


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their groups, by group name."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.group)
            .options(contains_eager(Membership.group))  # the groups come with the memberships
            .where(Membership.user_id == user.id)
            .order_by(func.lower(Group.name))
        )
    )


_MEMBERS = (
    select(Membership)
    .join(Membership.user)
    .options(contains_eager(Membership.user))  # the names come with the memberships
    .where(Membership.group_id == bindparam("group_id"))
    .order_by(Membership.role, func.lower(User.display_name))
)


def members_of(group: Group) -> list[Membership]:
    """The group's memberships with their users, co-responsibles first, then
    by display name."""
    return list(db.session.scalars(_MEMBERS, {"group_id": group.id}))


def membership_of(user_id: int, group_id: int) -> Membership | None:
    """The user's membership of the group, its group loaded with it (one
    statement); None when the user is not a member (or there is no such group)."""
    return db.session.scalar(
        _membership_statement(counted=False), {"user_id": user_id, "group_id": group_id}
    )


def membership_and_count(
    user_id: int, group_id: int
) -> tuple[Membership, int, charter.Standing] | None:
    """``membership_of``, the number of the group's members and where the
    member and the group stand with the charter, in one statement (the group
    page shows them); None when the user is not a member."""
    row = db.session.execute(
        _membership_statement(counted=True), {"user_id": user_id, "group_id": group_id}
    ).first()
    return (row[0], row[1], charter.Standing.of(row[2:])) if row else None


@lru_cache(maxsize=2)
def _membership_statement(counted: bool) -> Select[Any]:
    """Built once: every page of a group runs it."""
    statement: Select[Any] = select(Membership).where(
        Membership.user_id == bindparam("user_id"), Membership.group_id == bindparam("group_id")
    )
    if counted:
        statement = charter.with_standing(
            statement.add_columns(member_count_of(Membership.group_id))
        )
    return statement.options(contains_eager(Membership.group)).join(Membership.group)


def membership_in(group: Group, membership_id: int) -> Membership:
    return owned(Membership, membership_id, group_id=group.id)


def _lock(group: Group) -> None:
    """Serialise membership changes of one group (PostgreSQL row lock)."""
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())


def _coresponsible_count(group: Group) -> int:
    query = select(func.count()).select_from(Membership).where(Membership.group_id == group.id)
    if not group.all_coresponsible:
        query = query.where(Membership.role == MemberRole.CORESPONSIBLE)
    return db.session.scalar(query) or 0


def _ensure_not_last(group: Group, member: Membership) -> None:
    if member.is_coresponsible and _coresponsible_count(group) <= 1:
        raise LastCoresponsible()


def _reopen_roles(group: Group, actor: User, member: Membership) -> list[tuple[datetime, str]]:
    """A departing member's coming roles open again; the history says so."""
    reopened = roles.drop_future_assignments(member, clock.now())
    if reopened:
        audit.record(group, actor, "roles_reopened", subject=member.user, count=len(reopened))
    return reopened


def grant_coresponsibility(group: Group, actor: User, member: Membership) -> None:
    if member.role == MemberRole.CORESPONSIBLE:
        return
    member.role = MemberRole.CORESPONSIBLE
    audit.record(group, actor, "coresponsibility_granted", subject=member.user)


def withdraw_coresponsibility(group: Group, actor: User, member: Membership) -> None:
    if member.role != MemberRole.CORESPONSIBLE:
        return
    _lock(group)
    if _coresponsible_count(group) <= 1 and not group.all_coresponsible:
        raise LastCoresponsible()
    member.role = MemberRole.MEMBER
    audit.record(group, actor, "coresponsibility_withdrawn", subject=member.user)


def remove_member(group: Group, actor: User, member: Membership) -> None:
    _lock(group)
    _ensure_not_last(group, member)
    audit.record(group, actor, "member_removed", subject=member.user)
    _reopen_roles(group, actor, member)
    member.user.feed_changed_at = utcnow()  # the group leaves their personal feed
    db.session.delete(member)


def leave_group(group: Group, member: Membership) -> list[tuple[datetime, str]]:
    """The member leaves; returns their roles that opened again (start, role)."""
    _lock(group)
    _ensure_not_last(group, member)
    audit.record(group, member.user, "member_left", subject=member.user)
    reopened = _reopen_roles(group, member.user, member)
    member.user.feed_changed_at = utcnow()
    db.session.delete(member)
    return reopened


def member_users(group: Group, *, coresponsible: bool = False) -> Sequence[User]:
    """The accounts of the group's members, or only of those who answer for
    it (``coresponsible``)."""
    query = select(User).join(Membership).where(Membership.group_id == group.id)
    if coresponsible and not group.all_coresponsible:
        query = query.where(Membership.role == MemberRole.CORESPONSIBLE)
    return db.session.scalars(query.order_by(User.id)).all()


def member_count(group: Group) -> int:
    return db.session.scalar(select(member_count_of(group.id))) or 0


def member_count_of(group_id: int | SQLColumnExpression[int]) -> ScalarSelect[int]:
    """The number of members of ``group_id`` (a value or a column of an
    enclosing query, such as ``Membership.group_id``), as a scalar subquery."""
    members = aliased(Membership)
    return (
        select(func.count())
        .select_from(members)
        .where(members.group_id == group_id)
        .scalar_subquery()
    )


@dataclass
class Welcome:
    """What a member who just joined needs: the roles they may take (and
    those they already said yes to), whether a calendar link of theirs
    already shows the group, and the next meeting."""

    role_types: list[RoleType]
    willing: set[int]
    has_personal_link: bool
    next_meeting: schedule.Occurrence | None


def welcome(membership: Membership, now: datetime) -> Welcome:
    coming = schedule.upcoming([membership.group_id], now, limit=5)
    return Welcome(
        role_types=roles.roles_of(membership.group),
        willing=roles.opted_in(membership),
        has_personal_link="personal" in feeds.link_kinds(membership.user),
        next_meeting=next((o for o in coming if not o.cancelled), None),
    )
