"""Invitation links: created by co-responsibles, used by newcomers to join.

Only a SHA-256 hash of each token is stored; the link is shown once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from facilitator.extensions import db
from facilitator.models import CentreStaff, Group, Invitation, MeetingSeries, Membership, User
from facilitator.models._common import utcnow
from facilitator.models.groups import FeedTitleMode, MemberRole
from facilitator.services import audit, founding, schedule
from facilitator.services.errors import (
    AlreadyMember,
    Gone,
    HandoverByStaff,
    HandoverExpired,
    HandoverRevoked,
    HandoverUsed,
    InvitationExpired,
    InvitationRevoked,
    InvitationUnknown,
    InvitationUsedUp,
)
from facilitator.services.lookup import owned
from facilitator.services.sql import rows_changed
from facilitator.services.tokens import hash_token

MAX_DAYS = 90
MAX_USES = 100
PREVIEW_MEETINGS = 3


@dataclass
class Preview:
    """When and where a group meets, as its invitation page tells it."""

    series: list[MeetingSeries]
    meetings: list[schedule.Occurrence]
    place: str


def preview(group: Group, now: datetime) -> Preview | None:
    """The group's current rhythms, next meetings (not cancelled) and usual
    place; None for a discreet group, which says nothing of them before
    someone joins."""
    if group.feed_title_mode == FeedTitleMode.DISCREET:
        return None
    today = now.astimezone(ZoneInfo(group.timezone)).date()
    series = db.session.scalars(
        select(MeetingSeries)
        .where(
            MeetingSeries.group_id == group.id,
            MeetingSeries.until.is_(None) | (MeetingSeries.until >= today),
        )
        .order_by(MeetingSeries.start_date, MeetingSeries.id)
    ).all()
    coming = schedule.upcoming([group.id], now, limit=PREVIEW_MEETINGS * 2)
    meetings = [o for o in coming if not o.cancelled][:PREVIEW_MEETINGS]
    return Preview(series=list(series), meetings=meetings, place=group.default_location)


def create_invitation(
    group: Group, actor: User, days: int, max_uses: int | None
) -> tuple[Invitation, str]:
    """Create an invitation; return it with its token (shown once, never stored)."""
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        group_id=group.id,
        created_by_id=actor.id,
        token_hash=hash_token(token),
        expires_at=utcnow() + timedelta(days=days),
        max_uses=max_uses,
    )
    db.session.add(invitation)
    audit.record(group, actor, "invitation_created", days=days, max_uses=max_uses)
    db.session.flush()
    return invitation, token


def open_invitations(group: Group) -> list[Invitation]:
    """The group's invitations still usable, newest first, with their
    creators (the page names them); a centre's hand-over link is not one of
    them (services/founding.py)."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Invitation)
            .options(joinedload(Invitation.created_by))
            .where(
                Invitation.group_id == group.id,
                Invitation.handover.is_(False),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
                or_(Invitation.max_uses.is_(None), Invitation.uses < Invitation.max_uses),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def revoke(group: Group, actor: User, invitation_id: int) -> None:
    invitation = owned(Invitation, invitation_id, group_id=group.id, handover=False)
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record(group, actor, "invitation_revoked")


def find(token: str) -> Invitation:
    """Return the open invitation behind ``token``, or raise why it cannot be used."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None:
        raise InvitationUnknown()
    problem: Gone | None = None
    handover = invitation.handover
    if invitation.revoked_at is not None:
        problem = HandoverRevoked() if handover else InvitationRevoked()
    elif invitation.expires_at <= utcnow():
        problem = HandoverExpired() if handover else InvitationExpired()
    elif invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        problem = HandoverUsed() if handover else InvitationUsedUp()
    if problem is not None:
        # The page that explains it speaks the group's language; a member who
        # opens a spent hand-over link (theirs) is simply led to the group.
        problem.language = invitation.group.language
        if handover:
            problem.group_id = invitation.group_id
        raise problem
    return invitation


def accept(token: str, user: User) -> Membership:
    """Make ``user`` a member of the invitation's group, counting one use; a
    centre's hand-over link makes them its first member and co-responsible
    (once: two people using it at the same moment, one of them gets it)."""
    invitation = find(token)
    group = invitation.group
    if db.session.scalar(Membership.select_for(user.id, group.id)) is not None:
        raise AlreadyMember()
    # The centre never becomes a member of a group it founds.
    if (
        invitation.handover
        and group.centre_id is not None
        and db.session.scalar(CentreStaff.select_for(user.id, group.centre_id)) is not None
    ):
        refused = HandoverByStaff()
        refused.language = group.language
        raise refused
    # Count the use atomically: two people using the last place at the same
    # moment cannot both get in.
    now = utcnow()
    counted = rows_changed(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
            or_(Invitation.max_uses.is_(None), Invitation.uses < Invitation.max_uses),
        )
        .values(uses=Invitation.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if counted != 1:
        raise HandoverUsed() if invitation.handover else InvitationUsedUp()
    if invitation.handover and not founding.claim(group, now):
        raise HandoverUsed()
    role = MemberRole.CORESPONSIBLE if invitation.handover else MemberRole.MEMBER
    membership = Membership(user_id=user.id, group_id=group.id, role=role)
    user.feed_changed_at = now  # the group joins their personal feed
    db.session.add(membership)
    joined = "member_took_over" if invitation.handover else "member_joined"
    audit.record(group, user, joined, subject=user)
    db.session.flush()
    return membership
