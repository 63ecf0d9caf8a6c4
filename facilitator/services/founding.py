"""A group founded by a self-help centre and handed over to its first member.

Staff found a group "being founded" (``Group.founding``) attached to their
centre, with no member: staff never become members, so the centre never
learns who is in a group. While nobody holds it yet, staff edit its facts and
make a single-use hand-over link (an ``Invitation`` with ``handover``: only
its hash is stored, the link is shown once, it expires after
``HANDOVER_DAYS`` days and can be revoked or renewed). Whoever uses the link
becomes the group's first member and co-responsible (invitations.accept);
from then on the group is its members': staff see "handed over on <day>",
never who, and no longer edit anything. The centre stays attached as coach
until the co-responsibles detach the group. Until then, staff may also give
up founding it: the group is deleted (``give_up``).

"Being founded" ends when the co-responsibles say "Our group has started"
(``start``), never by itself: the first meetings of a new group are often
trial evenings, and the group decides when it has started. The staff list
then shows the status the usual rules give (active, paused, dormant).

A founding group that staff chose to list shows in the public directory as
"Starting soon — contact the centre", its link leading to the centre's
request form (see services/directory.py and the centre feed).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from facilitator.extensions import db
from facilitator.models import Centre, Group, Invitation, User
from facilitator.models._common import utcnow
from facilitator.services import audit, centres, charter, privacy, roles
from facilitator.services.errors import Conflict, NotFound
from facilitator.services.lookup import get
from facilitator.services.sql import rows_changed
from facilitator.services.tokens import hash_token

HANDOVER_DAYS = 30


class HandedOver(Conflict):
    message = _l("The group has been handed over: it is now its members' to change.")


@dataclass
class FoundingData:
    """What staff enter about a group being founded, already validated."""

    name: str
    theme: str
    canton: str
    language: str
    town: str = ""
    directory_title: str = ""
    description: str = ""
    listed: bool = False

    @classmethod
    def of(cls, group: Group) -> FoundingData:
        return cls(**{f.name: getattr(group, f.name) for f in fields(cls)})


def found(centre: Centre, actor: User, data: FoundingData) -> Group:
    """Create a group being founded, attached to ``centre``, without members;
    recorded in the staff actions and the group's history."""
    group = Group(founding=True, centre_id=centre.id)
    _apply(group, data)
    db.session.add(group)
    db.session.flush()
    roles.create_defaults(group)
    charter.start(group)
    centres.staff_did(group, centre, actor, "group_founded")
    db.session.flush()
    return group


def founding_group(centre: Centre, group_id: int) -> Group:
    """A group being founded that is attached to ``centre``; NotFound for any
    other (staff see nothing inside the groups, founded ones included, once
    they have started)."""
    group = get(Group, group_id)
    if group is None or not group.founding or group.centre_id != centre.id:
        raise NotFound()
    return group


def update_facts(group: Group, centre: Centre, actor: User, data: FoundingData) -> list[str]:
    """Change what staff entered, while nobody holds the group; the names of
    the fields that changed. Someone taking the group over at this very
    moment waits for the change, or the change is refused: never both."""
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())
    db.session.refresh(group, ["handed_over_at"])
    if group.handed_over_at is not None:
        raise HandedOver()
    changed = sorted(name for name, value in vars(data).items() if getattr(group, name) != value)
    if changed:
        _apply(group, data)
        group.version += 1
        centres.staff_did(group, centre, actor, "founding_updated", fields=changed)
    return changed


def _apply(group: Group, data: FoundingData) -> None:
    for name, value in vars(data).items():
        setattr(group, name, value)


def open_handover(group: Group, now: datetime) -> Invitation | None:
    """The group's hand-over link that still works, if any."""
    return db.session.scalar(
        select(Invitation).where(
            Invitation.group_id == group.id,
            Invitation.handover.is_(True),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
            Invitation.uses < 1,
        )
    )


def create_handover(group: Group, centre: Centre, actor: User) -> tuple[Invitation, str]:
    """A new hand-over link (the one still open, if any, stops working):
    return it with its token, shown once and never stored."""
    if group.handed_over_at is not None:
        raise HandedOver()
    now = utcnow()
    renewed = _revoke_open(group, now)
    token = secrets.token_urlsafe(24)
    # Made by the centre, not by a person: the group's invitations page never
    # names a staff member (the staff actions do).
    invitation = Invitation(
        group_id=group.id,
        created_by_id=None,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=HANDOVER_DAYS),
        max_uses=1,
        handover=True,
    )
    db.session.add(invitation)
    centres.staff_did(
        group,
        centre,
        actor,
        "handover_renewed" if renewed else "handover_created",
        days=HANDOVER_DAYS,
    )
    db.session.flush()
    return invitation, token


def revoke_handover(group: Group, centre: Centre, actor: User) -> bool:
    """The open hand-over link stops working; False when there was none."""
    if group.handed_over_at is not None:
        raise HandedOver()
    if not _revoke_open(group, utcnow()):
        return False
    centres.staff_did(group, centre, actor, "handover_revoked")
    return True


def _revoke_open(group: Group, now: datetime) -> bool:
    return (
        rows_changed(
            update(Invitation)
            .where(
                Invitation.group_id == group.id,
                Invitation.handover.is_(True),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
                Invitation.uses < 1,
            )
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        > 0
    )


def give_up(group: Group, centre: Centre, actor: User) -> str:
    """Delete a group that nobody took over (the centre gives up founding
    it); its shown name, which the staff actions keep. HandedOver when
    someone took it over, even at this very moment."""
    # The hand-over link first, then the group: the order in which taking the
    # group over locks them (invitations.accept), so that neither waits for
    # the other forever.
    _revoke_open(group, utcnow())
    db.session.execute(select(Group.id).where(Group.id == group.id).with_for_update())
    db.session.refresh(group, ["handed_over_at"])
    if group.handed_over_at is not None:
        raise HandedOver()
    name = group.directory_title or group.name
    centres.record(centre, actor, "founding_given_up", name=name)
    privacy.delete_group(group)
    return name


def claim(group: Group, now: datetime) -> bool:
    """Mark the group handed over, once (two people using two links at the
    same moment: one of them gets it); False when it was already."""
    claimed = rows_changed(
        update(Group)
        .where(Group.id == group.id, Group.handed_over_at.is_(None))
        .values(handed_over_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed != 1:
        return False
    db.session.refresh(group, ["handed_over_at"])
    if group.centre is not None:
        # The staff actions say that it happened, never to whom.
        centres.record(group.centre, None, "group_handed_over", group)
    return True


def start(group: Group, actor: User) -> bool:
    """The co-responsibles say that the group has started: it is no longer
    being founded (its listing, if any, now leads to the group itself);
    False when it was not being founded."""
    started = rows_changed(
        update(Group)
        .where(Group.id == group.id, Group.founding.is_(True))
        .values(founding=False, version=Group.version + 1)
        .execution_options(synchronize_session=False)
    )
    if started != 1:
        return False
    db.session.refresh(group, ["founding", "version"])
    audit.record(group, actor, "founding_ended")
    if group.centre is not None:
        centres.record(group.centre, None, "group_started", group)
    return True
