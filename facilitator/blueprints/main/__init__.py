"""The home page: a welcome for visitors, the dashboard for members."""

from flask import Blueprint, render_template
from flask_login import current_user

from facilitator.extensions import db
from facilitator.i18n import current_language
from facilitator.services import clock, retention, roles, schedule
from facilitator.services import groups as group_service

bp = Blueprint("main", __name__, template_folder="templates")

NEXT_MEETINGS = 10
MY_ROLES = 10


@bp.get("/")
def index():
    """Show the dashboard of the user's groups, or the welcome page."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    memberships = db.session.scalars(group_service.memberships_of(current_user)).all()
    groups = {m.group_id: m.group for m in memberships}
    upcoming = schedule.upcoming(groups, clock.now(), limit=NEXT_MEETINGS)
    schedule.mark_holidays(
        upcoming, {gid: g.canton for gid, g in groups.items()}, current_language()
    )
    mine = roles.my_roles(current_user, clock.now())
    return render_template(
        "main/dashboard.html", memberships=memberships, groups=groups, upcoming=upcoming,
        my_roles=mine[:MY_ROLES], mine=roles.by_meeting(mine),
    )  # fmt: skip


@bp.get("/privacy")
def privacy():
    """Explain what is stored, why, for how long, and who sees it."""
    return render_template("main/privacy.html", message_days=retention.CONTACT_MESSAGE_DAYS)
