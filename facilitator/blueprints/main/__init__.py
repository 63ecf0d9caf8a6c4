"""The home page: a welcome for visitors, the dashboard for members."""

from flask import Blueprint, render_template
from flask_login import current_user

from facilitator.extensions import db
from facilitator.services import groups as group_service

bp = Blueprint("main", __name__, template_folder="templates")


@bp.get("/")
def index():
    """Show the dashboard of the user's groups, or the welcome page."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    memberships = db.session.scalars(group_service.memberships_of(current_user)).all()
    return render_template("main/dashboard.html", memberships=memberships)
