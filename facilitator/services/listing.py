"""Listing in the public directory through the group's self-help centre.

An unattached group lists itself (its settings' checkbox, as before). A group
attached to a centre *asks*: the checkbox then sends a request to the centre,
whose staff check it against the listing criteria (self-led, regular
meetings, confidentiality, non-profit) and approve it (the group is listed)
or send it back with a reason, which the co-responsibles read on their
settings page. Leaving the directory is always the group's own choice and
immediate.

Attaching or detaching never changes the listing: a listed group that
detaches stays listed (it now answers for its listing itself), and a request
still waiting is simply no longer the centre's to decide (staff see only
requests of groups attached to them; the settings page shows none).
Each step is in the group's history and, for staff, in the staff actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from facilitator.extensions import db
from facilitator.models import Centre, Group, ListingRequest, MeetingSeries, User
from facilitator.models.referrals import LISTING_CRITERIA, ListingStatus
from facilitator.services import audit, centres, mail, notifications
from facilitator.services.errors import Conflict, DomainError, NotFound
from facilitator.services.lookup import get
from facilitator.services.sql import insert_or_get, rows_changed


def current_request(group: Group) -> ListingRequest | None:
    """The group's request to its present centre (None when unattached, or
    when its request went to a centre it has left)."""
    if group.centre_id is None:
        return None
    return db.session.scalar(
        select(ListingRequest).where(
            ListingRequest.group_id == group.id, ListingRequest.centre_id == group.centre_id
        )
    )


def wants_listing(group: Group, found: ListingRequest | None) -> bool:
    """What the settings' checkbox shows: listed, or asking to be (``found``:
    the group's ``current_request``)."""
    return group.listed or (found is not None and found.status == ListingStatus.PENDING)


def settle(group: Group, actor: User, wants: bool, now: datetime, link: str) -> bool:
    """What the group's ``listed`` becomes when the co-responsibles save
    their settings with the checkbox ``wants``: for an attached group that is
    not listed yet, a request to its centre instead."""
    if group.centre_id is None:
        db.session.execute(delete(ListingRequest).where(ListingRequest.group_id == group.id))
        return wants
    found = current_request(group)
    pending = found is not None and found.status == ListingStatus.PENDING
    if not wants:
        if pending and found is not None:
            db.session.delete(found)
            audit.record(group, actor, "listing_withdrawn")
        return False
    if group.listed or pending:
        return group.listed
    _ask(group, actor, now, link)
    return False


def _ask(group: Group, actor: User, now: datetime, link: str) -> None:
    centre = db.session.get(Centre, group.centre_id)
    assert centre is not None  # the foreign key
    row, inserted = insert_or_get(
        ListingRequest(group_id=group.id, centre_id=centre.id, requested_at=now),
        select(ListingRequest).where(ListingRequest.group_id == group.id),
    )
    if not inserted:
        if row.status == ListingStatus.PENDING and row.centre_id == centre.id:
            return  # another co-responsible asked a moment ago
        row.centre_id = centre.id
        row.status = ListingStatus.PENDING
        row.reason = ""
        row.requested_at = now
        row.decided_at = None
    audit.record(group, actor, "listing_requested", centre=centre.name)
    if centre.contact_email:
        mail.send_template(
            centre.contact_email,
            (centre.languages or ["fr"])[0],
            lambda: _("A group asks to be listed in the directory"),
            "mail/listing_requested.txt",
            centre=centre,
            link=link,
        )


def series_of(group: Group, today: date) -> list[MeetingSeries]:
    """The group's regular meetings that the directory would show (not ended)."""
    return list(
        db.session.scalars(
            select(MeetingSeries).where(
                MeetingSeries.group_id == group.id,
                (MeetingSeries.until.is_(None)) | (MeetingSeries.until >= today),
            )
        )
    )


@dataclass
class Pending:
    request: ListingRequest
    group: Group


def pending(centre: Centre) -> list[Pending]:
    """The requests waiting for the centre's staff, oldest first."""
    rows = db.session.execute(
        select(ListingRequest, Group)
        .join(Group, Group.id == ListingRequest.group_id)
        .where(
            ListingRequest.centre_id == centre.id,
            Group.centre_id == centre.id,
            ListingRequest.status == ListingStatus.PENDING,
        )
        .order_by(ListingRequest.requested_at, ListingRequest.id)
    )
    return [Pending(request, group) for request, group in rows]


def pending_of(centre: Centre, group_id: int) -> Pending:
    """A group's waiting request to this centre; NotFound otherwise (another
    centre's group, a request decided already)."""
    group = get(Group, group_id)
    if group is None or group.centre_id != centre.id:
        raise NotFound()
    found = current_request(group)
    if found is None or found.status != ListingStatus.PENDING:
        raise NotFound()
    return Pending(found, group)


class CriteriaNotMet(DomainError):
    message = _l(
        "Tick every criterion the group meets: a group that does not meet them all is "
        "sent back with a reason."
    )


class AlreadyDecided(Conflict):
    message = _l("This request has been decided or withdrawn in the meantime.")


def _decide(item: Pending, status: str, reason: str, now: datetime) -> None:
    """Only a request still waiting is decided: two staff members at once,
    or the group withdrawing meanwhile, and the later one is told."""
    changed = rows_changed(
        update(ListingRequest)
        .where(
            ListingRequest.id == item.request.id,
            ListingRequest.status == ListingStatus.PENDING,
        )
        .values(status=status, reason=reason, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if not changed:
        raise AlreadyDecided()
    db.session.refresh(item.request)


def approve(
    centre: Centre, staff: User, item: Pending, checked: set[str], now: datetime, link: str
) -> None:
    """List the group: staff ticked every criterion."""
    if not set(LISTING_CRITERIA) <= checked:
        raise CriteriaNotMet(field="criteria")
    _decide(item, ListingStatus.APPROVED, "", now)
    group = item.group
    group.listed = True
    group.version += 1
    audit.record(group, None, "listing_approved", centre=centre.name)
    centres.record(centre, staff, "listing_approved", group, criteria=sorted(checked))
    _tell(group, centre, link, approved=True)


def send_back(
    centre: Centre, staff: User, item: Pending, reason: str, now: datetime, link: str
) -> None:
    """Refuse the listing for now, with the reason the co-responsibles read."""
    _decide(item, ListingStatus.RETURNED, reason, now)
    audit.record(item.group, None, "listing_returned", centre=centre.name)
    centres.record(centre, staff, "listing_returned", item.group)
    _tell(item.group, centre, link, approved=False, reason=reason)


def _tell(group: Group, centre: Centre, link: str, approved: bool, reason: str = "") -> None:
    if approved:
        discreet, named = (
            lambda: _("Your group is listed in the directory"),
            lambda: _("%(group)s is listed in the directory", group=group.name),
        )
    else:
        discreet, named = (
            lambda: _("Your request to be listed was sent back"),
            lambda: _("The listing of %(group)s was sent back", group=group.name),
        )
    notifications.tell_coresponsibles(
        group,
        discreet,
        named,
        "mail/listing_decided.txt",
        centre=centre,
        approved=approved,
        reason=reason,
        link=link,
    )
