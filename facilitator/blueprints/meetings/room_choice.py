"""A room of the group's centre on the series and meeting forms: the choices
offered, the room picked, and the clash warning shown before saving (dates
and times only: never the other group)."""

from __future__ import annotations

import functools

from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms.fields.choices import SelectChoice

from facilitator.services import rooms

from .labels import slot_text

CLASHES_LISTED = 3  # on a phone, a few dates and how many more


def offer(form, group, current_room_id: int | None = None) -> bool:
    """Set the room choices of ``form``, or remove its room fields when the
    group's centre lends no room (or the group has no centre); whether the
    form offers rooms."""
    offered = rooms.offered(group)
    if not offered:
        del form.room
        del form.room_anyway
        return False
    form.room.label.text = _("One of the rooms of %(centre)s", centre=group.centre.name)
    form.room.choices = [
        SelectChoice(0, _("None: the place typed above")),
        *(SelectChoice(r.id, r.place) for r in offered),
    ]
    if current_room_id and form.room.data in (None, 0) and not form.is_submitted():
        form.room.data = current_room_id
    return True


def picked(form, group):
    """The room picked (None for none); DomainError at the field for a room
    the group may not pick."""
    if getattr(form, "room", None) is None:
        return None
    return rooms.pick(group, form.room.data)


def warning(found) -> str:
    """ "The room is already used by another group on Thu 14 Jan 2027,
    18:30-20:00, …" (the first few, and how many more)."""
    shown = [slot_text(o) for o in found[:CLASHES_LISTED]]
    more = len(found) - len(shown)
    text = ngettext(
        "The room is already used by another group on %(dates)s.",
        "The room is already used by another group on %(num)d dates: %(dates)s.",
        len(found),
        dates=functools.reduce(_listed, shown),
    )
    if more:
        text += " " + ngettext("And %(num)d more time.", "And %(num)d more times.", more)
    return text


def _listed(earlier: str, later: str) -> str:
    return _("%(earlier)s; %(later)s", earlier=earlier, later=later)


def stop_for(form, found) -> bool:
    """Whether saving waits for an answer to the clash: there is one and
    "Use the room anyway" is not ticked (then the warning is at the room
    field)."""
    if not found or (getattr(form, "room_anyway", None) is not None and form.room_anyway.data):
        return False
    answer = _("Choose another room or another time, or tick this box to save anyway.")
    if getattr(form, "room", None) is not None:
        form.room.errors = [*form.room.errors, warning(found)]
        form.room_anyway.errors = [answer]
    else:  # a meeting of a series, in the series' room
        form.room_anyway.errors = [f"{warning(found)} {answer}"]
    return True
