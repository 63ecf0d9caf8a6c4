"""The home page: a welcome for visitors, the dashboard for members."""

from flask import Blueprint, render_template
from flask_login import current_user

from facilitator.services import clock, retention
from facilitator.services import groups as group_service
from facilitator.services.charter import groups_to_read

from .dashboard import dashboard_parts, next_meeting_answer

bp = Blueprint("main", __name__, template_folder="templates")


@bp.get("/")
def index():
    """Show the member's next meeting first, then the following ones and the
    groups; or the welcome page for visitors."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    now = clock.now()
    memberships = group_service.memberships_of(current_user)
    parts = dashboard_parts(current_user, memberships, now)
    answer = next_meeting_answer(current_user, memberships, parts, now)
    to_read = groups_to_read(current_user)
    return render_template("main/dashboard.html", parts=parts, answer=answer, to_read=to_read)


@bp.get("/privacy")
def privacy():
    """Explain what is stored, why, for how long, and who sees it."""
    return render_template("main/privacy.html", message_days=retention.CONTACT_MESSAGE_DAYS)
