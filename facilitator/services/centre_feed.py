"""A centre's directory feed for its own website: the listed groups attached
to it and their public facts (exactly what the public directory shows),
as JSON and as an HTML list to embed.

Its ETag is a fingerprint of what the feed shows (the centre's name, each
group's id and version, the day: a series that ended drops out), read with
one small statement, so that a matching conditional request is answered 304
without reading or rendering the groups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Centre, Group, MeetingSeries
from facilitator.services import directory
from facilitator.services.directory import Listing

SCHEMA_VERSION = 1


def fingerprint(centre: Centre, today: date, variant: str) -> str:
    """The feed's ETag: changes whenever anything it shows may have changed
    (``variant``: the format and language)."""
    rows = db.session.execute(
        select(Group.id, Group.version)
        .where(Group.centre_id == centre.id, Group.listed.is_(True))
        .order_by(Group.id)
    ).all()
    facts = f"{SCHEMA_VERSION}|{variant}|{centre.id}|{centre.name}|{today.isoformat()}|{rows}"
    return hashlib.sha256(facts.encode()).hexdigest()[:32]


def group_facts(listing: Listing, rhythm: Callable[[MeetingSeries], str], contact_url: str) -> dict:
    """A listed group's entry in the JSON feed (the schema in the README):
    ``rhythm`` words a series; a group being founded is "starting_soon", with
    no rhythm, and its ``contact_url`` is the centre's request form."""
    group = listing.group
    starting = group.founding
    return {
        "id": group.id,
        "status": "starting_soon" if starting else "meeting",
        "title": directory.public_name(group),
        "theme": group.theme,
        "canton": group.canton,
        "language": group.language,
        "town": group.town or None,
        "rhythms": [] if starting else [rhythm(s) for s in listing.series],
        "newcomers_welcome": True if starting else bool(group.accepting_newcomers),
        "contact_url": contact_url,
    }
