"""Why a role cannot be taken, assigned or released; several of these also
refuse a fair fill or a swap.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from facilitator.services.errors import Conflict, Forbidden


class SlotTaken(Conflict):
    message = _l("Someone has just taken this role. Choose another one.")


class AlreadyHasRole(Conflict):
    message = _l("This person already holds a role at this meeting.")


class Away(Conflict):
    message = _l("This person has said they are away on that date.")


class TooLate(Forbidden):
    message = _l(
        "It is too close to the meeting to release this role yourself. Ask a co-responsible member."
    )


class MeetingClosed(Conflict):
    message = _l("Roles can only be taken for meetings to come that are not cancelled.")
