"""The home page: a welcome for visitors, the dashboard for members."""

from flask import Blueprint, render_template
from flask_login import current_user

from facilitator.extensions import db
from facilitator.i18n import current_language
from facilitator.services import attendance, clock, retention, roles, schedule
from facilitator.services import groups as group_service

bp = Blueprint("main", __name__, template_folder="templates")

NEXT_MEETINGS = 10


@bp.get("/")
def index():
    """Show the member's next meeting first, then the following ones and the
    groups; or the welcome page for visitors."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    now = clock.now()
    memberships = db.session.scalars(group_service.memberships_of(current_user)).all()
    groups = {m.group_id: m.group for m in memberships}
    upcoming = schedule.upcoming(groups, now, limit=NEXT_MEETINGS)
    schedule.mark_holidays(
        upcoming, {gid: g.canton for gid, g in groups.items()}, current_language()
    )
    mine = roles.my_roles(current_user, now)
    shown = {(o.group_id, o.key) for o in upcoming}
    first = upcoming[0] if upcoming else None
    answer = None
    if first and attendance.may_answer(groups[first.group_id], first, now):
        answer = attendance.intentions(current_user, first)
    return render_template(
        "main/dashboard.html",
        memberships=memberships,
        groups=groups,
        first=first,
        following=upcoming[1:],
        answer=answer,
        mine=roles.by_meeting(mine),
        later_roles=[r for r in mine if (r.group.id, r.occurrence_key) not in shown],
    )


@bp.get("/privacy")
def privacy():
    """Explain what is stored, why, for how long, and who sees it."""
    return render_template("main/privacy.html", message_days=retention.CONTACT_MESSAGE_DAYS)
