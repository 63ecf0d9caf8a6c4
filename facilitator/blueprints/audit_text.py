"""The audit trail in sentences: who did what, in the reader's language
(the group's audit page and the account's data page and export show it;
pages get the names inside <bdi>, see names.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from facilitator.blueprints.names import person, person_html
from facilitator.formatting import day_text, time_text
from facilitator.i18n import translations

AUDIT_TEXTS = {
    "group_created": _l("%(actor)s created the group."),
    "group_updated": _l("%(actor)s changed the group's settings."),
    "coresponsibility_granted": _l("%(actor)s made %(subject)s co-responsible."),
    "coresponsibility_withdrawn": _l("%(actor)s withdrew co-responsibility from %(subject)s."),
    "member_removed": _l("%(actor)s removed %(subject)s from the group."),
    "member_left": _l("%(subject)s left the group."),
    "member_joined": _l("%(subject)s joined the group with an invitation link."),
    "invitation_created": _l("%(actor)s created an invitation link."),
    "invitation_revoked": _l("%(actor)s revoked an invitation link."),
    "series_created": _l("%(actor)s planned regular meetings from %(when)s."),
    "series_changed": _l("%(actor)s changed the regular meetings from %(when)s."),
    "series_paused": _l("%(actor)s paused the regular meetings from %(when)s."),
    "series_ended": _l("%(actor)s ended the regular meetings from %(when)s."),
    "meeting_created": _l("%(actor)s planned a single meeting on %(when)s."),
    "meeting_cancelled": _l("%(actor)s cancelled the meeting of %(when)s."),
    "meeting_restored": _l("%(actor)s restored the meeting of %(when)s."),
    "meeting_changed": _l("%(actor)s changed the meeting of %(when)s."),
    "meeting_deleted": _l("%(actor)s deleted the meeting of %(when)s."),
    "role_assigned": _l("%(actor)s gave the role %(role)s to %(subject)s for %(when)s."),
    "role_unassigned": _l("%(actor)s reopened the role %(role)s of %(subject)s for %(when)s."),
    "role_type_added": _l("%(actor)s added the role %(role)s."),
    "role_type_changed": _l("%(actor)s changed the role %(role)s."),
    "role_type_retired": _l("%(actor)s retired the role %(role)s."),
    "role_type_restored": _l("%(actor)s brought back the role %(role)s."),
    "roles_reopened": _l("Coming roles open again (%(count)s), held until now by %(subject)s."),
    "attendance_recorded": _l("%(actor)s recorded the number of participants of %(when)s."),
    "attendance_corrected": _l("%(actor)s corrected the number of participants of %(when)s."),
    "attendance_enabled": _l("%(actor)s turned attendance on."),
    "attendance_disabled": _l("%(actor)s turned attendance off."),
    "figures_shared": _l("%(actor)s started sharing the yearly figures with %(centre)s."),
    "figures_unshared": _l("%(actor)s stopped sharing the yearly figures with %(centre)s."),
    "signals_shared": _l("%(actor)s started sharing the health signals with %(centre)s."),
    "signals_unshared": _l("%(actor)s stopped sharing the health signals with %(centre)s."),
    "outline_changed": _l("%(actor)s changed the usual outline of a meeting."),
    "role_swapped": _l("%(actor)s took over the role %(role)s from %(subject)s for %(when)s."),
    "poll_created": _l("%(actor)s asked the group: “%(question)s”"),
    "poll_closed": _l("%(actor)s closed the poll “%(question)s” before its end."),
    "poll_ended": _l("The poll “%(question)s” closed at its end date."),
    "poll_reminded": _l("%(actor)s reminded the members who had not answered a poll."),
    "poll_decided": _l(
        "%(actor)s planned the meeting of %(when)s chosen by the poll “%(question)s”."
    ),
    "theme_picked": _l(
        "%(actor)s chose the proposed theme “%(theme)s” for the meeting of %(when)s."
    ),
    "theme_set_aside": _l("%(actor)s set aside the proposed theme “%(theme)s”."),
    "charter_changed": _l(
        "%(actor)s changed the charter (version %(number)s) and asked the members to read it again."
    ),
    "charter_edited": _l("%(actor)s made small changes to the charter (version %(number)s)."),
    "charter_review_set": _l("%(actor)s set the charter's next review for %(when)s."),
    "centre_attached": _l("%(actor)s attached the group to the self-help centre %(centre)s."),
    "centre_detached": _l("%(actor)s detached the group from the self-help centre %(centre)s."),
    "listing_requested": _l("%(actor)s asked %(centre)s to list the group in the directory."),
    "listing_withdrawn": _l("%(actor)s withdrew the request to be listed in the directory."),
    "listing_approved": _l("%(centre)s approved the listing: the group is in the directory."),
    "listing_returned": _l("%(centre)s sent the request to be listed back, with a reason."),
    "centre_group_founded": _l("%(centre)s founded the group."),
    "centre_founding_updated": _l("%(centre)s changed the facts of the group being founded."),
    "centre_handover_created": _l("%(centre)s made a hand-over link."),
    "centre_handover_renewed": _l(
        "%(centre)s made a new hand-over link (the previous one no longer works)."
    ),
    "centre_handover_revoked": _l("%(centre)s withdrew the hand-over link."),
    "member_took_over": _l(
        "%(subject)s took the group over with the centre's hand-over link and became co-responsible."
    ),
    "founding_ended": _l(
        "%(actor)s said that the group has started: it is no longer being founded."
    ),
    "referral_forwarded": _l("%(centre)s passed on a visitor's request (see Messages)."),
    "room_confirmed": _l("%(actor)s confirmed that the group still uses the room %(room)s."),
    "room_freed": _l(
        "The booking of the room %(room)s was not confirmed in time: %(centre)s freed it."
    ),
    "centre_room_retired": _l(
        "%(centre)s no longer lends the room %(room)s: the group's booking was freed."
    ),
    "charter_reviewed": _l(
        "%(actor)s reviewed the charter and kept it as it is; next review on %(when)s."
    ),
}


def _when(details: dict) -> str:
    """The date an audit event is about, from its details."""
    if details.get("start"):
        moment = datetime.fromisoformat(details["start"])
        if "T" not in details["start"]:  # a series starts on a day: no "00:00"
            return day_text(moment, "medium")
        return f"{day_text(moment, 'medium')} {time_text(moment)}"
    for key in ("day", "first"):
        if details.get(key):
            return day_text(date.fromisoformat(details[key]), "medium")
    return ""


def _count(details: dict) -> int:
    try:
        return int(details.get("count") or 0)
    except (TypeError, ValueError):
        return 0


def audit_text(event) -> str:
    """The sentence that tells ``event``, in plain text."""
    return _tell(event, person, str)


def audit_html(event) -> Markup:
    """The sentence that tells ``event``, for a page: the names inside <bdi>,
    everything else escaped."""
    return _tell(event, person_html, escape)


def _tell(event, who: Callable, pattern_of: Callable):
    details = event.details or {}
    if event.action == "roles_filled":
        count = _count(details)
        pattern = translations().ungettext(
            "%(actor)s filled %(num)d role fairly.",
            "%(actor)s filled %(num)d roles fairly.",
            count,
        )
        values: dict = {"actor": who(event.actor), "num": count}
    else:
        template = AUDIT_TEXTS.get(event.action)
        pattern = str(template) if template is not None else event.action
        values = {
            "actor": who(event.actor),
            "subject": who(event.subject),
            "when": _when(details),
            "role": details.get("role") or details.get("name") or "",
            "count": details.get("count", ""),
            "question": details.get("question", ""),
            "number": details.get("number", ""),
            "theme": details.get("theme", ""),
            "centre": details.get("centre", ""),
            "room": details.get("room", ""),
        }
    return pattern_of(pattern) % values
