"""The staff pages' menu: a list of (endpoint, label), each endpoint taking
the centre's ``centre_id``. A new staff page adds its line here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STAFF_LINKS = [
    ("centres.groups", _l("Groups")),
    ("centre_founding.found", _l("Found a group")),
    ("centre_requests.index", _l("Requests from visitors")),
    ("centre_requests.listings", _l("Listing requests")),
    ("centre_stats.stats", _l("Statistics")),
    ("rooms.index", _l("Rooms")),
]
