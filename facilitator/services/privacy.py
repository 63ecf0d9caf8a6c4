"""Data rights under the revised Swiss data protection act (nLPD): a user's
copy of their data, the deletion of an account, and of a whole group."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from facilitator.extensions import db
from facilitator.models import (
    AuditEvent,
    CharterAcknowledgement,
    FeedToken,
    Group,
    Meeting,
    Membership,
    RoleAssignment,
    RoleType,
    Unavailability,
    User,
)
from facilitator.services import audit, clock, polls, roles, themes, welcome
from facilitator.services.errors import Conflict, WrongPassword


class MustHandOver(Conflict):
    message = _l(
        "You are the last co-responsible member of some groups. Hand over co-responsibility "
        "(or delete the group) first: %(groups)s."
    )


def _plain(value: Any) -> Any:
    """``value`` with its dates and times as ISO 8601 strings (for JSON)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def export(user: User, describe_event: Callable[[AuditEvent], str]) -> dict[str, Any]:
    """Everything stored about the user, as plain JSON values under stable
    English keys (no secrets)."""
    return _plain(collect(user, describe_event))


def collect(user: User, describe_event: Callable[[AuditEvent], str]) -> dict[str, Any]:
    """Everything stored about the user (no secrets), its dates and times as
    Python values, for the page that shows them in the reader's language.
    Instants (``created_at``…) are aware UTC datetimes; a meeting's ``date``
    is its local wall-clock start; absences are days."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    ).all()
    ids = [m.id for m in memberships]
    held = db.session.execute(
        select(Meeting.start, Group.name, RoleType.name)
        .join(RoleAssignment, RoleAssignment.meeting_id == Meeting.id)
        .join(Group, Group.id == Meeting.group_id)
        .join(RoleType, RoleType.id == RoleAssignment.role_type_id)
        .where(RoleAssignment.membership_id.in_(ids))
        .order_by(Meeting.start)
    ).all()
    absences = db.session.execute(
        select(Unavailability, Group.name)
        .join(Membership, Membership.id == Unavailability.membership_id)
        .join(Group, Group.id == Membership.group_id)
        .where(Unavailability.membership_id.in_(ids))
    ).all()
    agreed = {
        a.membership_id: a
        for a in db.session.scalars(
            select(CharterAcknowledgement).where(CharterAcknowledgement.membership_id.in_(ids))
        )
    }
    tokens = db.session.scalars(select(FeedToken).where(FeedToken.user_id == user.id)).all()
    events = db.session.execute(
        select(AuditEvent, Group.name)
        .join(Group, Group.id == AuditEvent.group_id)
        .where(or_(AuditEvent.actor_id == user.id, AuditEvent.subject_id == user.id))
        .order_by(AuditEvent.created_at)
    ).all()
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.locale,
            "created_at": user.created_at,
            "last_login_at": user.last_login_at,
            "reminder_days": user.reminder_days,
            "discreet_calendar": user.feed_discreet,
        },
        "memberships": [
            {
                "group": m.group.name,
                # The self-help centre the group is attached to (it sees
                # group-level facts, never its members).
                "centre": m.group.centre.name if m.group.centre else None,
                "role": m.role,
                "joined_at": m.joined_at,
                "willing_to_take": sorted(
                    r.name
                    for r in db.session.scalars(
                        select(RoleType).where(RoleType.id.in_(roles.opted_in(m)))
                    )
                ),
                "charter_agreed": (
                    {"version": agreed[m.id].number, "at": agreed[m.id].acknowledged_at}
                    if m.id in agreed
                    else None
                ),
                "willing_to_welcome": m.welcome_willing,
            }
            for m in memberships
        ],
        "roles_held": [
            {"date": start, "group": group, "role": role} for start, group, role in held
        ],
        "absences": [
            {"group": group, "from": a.first, "to": a.last, "note": a.note} for a, group in absences
        ],
        "calendar_links": [
            {
                "label": t.label,
                "group": t.group.name if t.group else None,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "revoked_at": t.revoked_at,
            }
            for t in tokens
        ],
        "poll_answers": polls.answers_of(user),
        "themes": themes.proposals_of(user),
        "welcome_messages": welcome.messages_of(user),
        "history": [
            {
                "date": e.created_at,
                "group": group,
                "event": describe_event(e),
            }
            for e, group in events
        ],
    }


def groups_blocking_deletion(user: User) -> list[Group]:
    """Groups where the user is the last co-responsible member while others remain."""
    blocking = []
    for membership in db.session.scalars(select(Membership).where(Membership.user_id == user.id)):
        group = membership.group
        if not membership.is_coresponsible:
            continue
        others = [m for m in group.memberships if m.id != membership.id]
        if others and not any(m.is_coresponsible for m in others):
            blocking.append(group)
    return blocking


def delete_account(user: User, password: str) -> list[tuple[Group, list]]:
    """Erase the account: memberships end (coming roles reopen, past ones show
    "a former member"), calendar links and sessions stop working. Groups where
    the user was alone go with it. Returns, for each group the user left, the
    roles that opened again (to tell its co-responsible members)."""
    if not user.check_password(password):
        raise WrongPassword(field="password")
    return erase_account(user)


def erase_account(user: User) -> list[tuple[Group, list]]:
    """``delete_account`` without the password (the demo's reset erases its
    accounts so)."""
    blocking = groups_blocking_deletion(user)
    if blocking:
        raise MustHandOver(
            str(MustHandOver.message) % {"groups": ", ".join(g.name for g in blocking)}
        )
    now = clock.now()
    left = []
    for membership in list(user.memberships):
        group = membership.group
        if len(group.memberships) == 1:
            db.session.delete(group)
            continue
        reopened = roles.drop_future_assignments(membership, now)
        audit.record(group, None, "member_left", subject=None)
        if reopened:
            audit.record(group, None, "roles_reopened", subject=None, count=len(reopened))
        left.append((group, reopened))
    db.session.delete(user)
    return left


def delete_group(group: Group) -> None:
    """Delete a group and everything of it."""
    db.session.delete(group)
