"""The domain errors that services raise and blueprints turn into 4xx answers.

Each error carries a translatable message (evaluated in the reader's
language when shown) and, where it concerns one form field, that field's name.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status = 400
    message = _l("The request could not be carried out.")

    def __init__(self, message: str | LazyString | None = None, *, field: str | None = None):
        super().__init__(message or self.message)
        if message is not None:
            self.message = message
        self.field = field


class NotFound(DomainError):
    status = 404
    message = _l("This page does not exist or is not available to you.")


class Forbidden(DomainError):
    status = 403
    message = _l("Only the group's co-responsible members can do this.")


class Conflict(DomainError):
    status = 409


class Gone(DomainError):
    status = 410
    language: str | None = None  # the language to explain it in, when not the reader's
    group_id: int | None = None  # the group a spent hand-over link led to


class WrongPassword(DomainError):
    message = _l("The current password is not correct.")


class InvalidDisplayName(DomainError):
    """A display name that accounts.display_name_problem refuses (with its reason)."""


class EmailTaken(Conflict):
    message = _l("An account with this email address already exists. Log in instead.")


class InvalidToken(DomainError):
    message = _l("This link is invalid or has expired. Please ask for a new one.")


class LastCoresponsible(Conflict):
    message = _l(
        "A group always keeps at least one co-responsible member. "
        "Hand over co-responsibility to another member first."
    )


class AlreadyMember(Conflict):
    message = _l("You are already a member of this group.")


class InvitationUnknown(NotFound):
    message = _l("This invitation link is not valid. Check that you copied it completely.")


class InvitationExpired(Gone):
    message = _l("This invitation has expired. Ask the group for a new link.")


class InvitationRevoked(Gone):
    message = _l("This invitation has been withdrawn by the group. Ask the group for a new link.")


class InvitationUsedUp(Gone):
    message = _l("This invitation has already been used as often as allowed. Ask for a new link.")


class HandoverExpired(Gone):
    message = _l("This hand-over link has expired. Ask the self-help centre for a new link.")


class HandoverRevoked(Gone):
    message = _l(
        "This hand-over link has been withdrawn by the self-help centre. Ask the centre for a new link."
    )


class HandoverByStaff(Conflict):
    message = _l(
        "Staff of the self-help centre cannot take over a group the centre founded: "
        "give this link to the group's first member."
    )
    language: str | None = None  # the group's, as for the other invitation pages


class HandoverUsed(Gone):
    message = _l(
        "This hand-over link has already been used: the group has been handed over. "
        "Ask the group's co-responsible members for an invitation."
    )
