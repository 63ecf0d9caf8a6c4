"""The home page: a welcome for visitors, the dashboard for members."""

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user

from facilitator.models._common import utcnow
from facilitator.services import clock, health, retention
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
    return render_template(
        "main/privacy.html",
        message_days=retention.CONTACT_MESSAGE_DAYS,
        referral_days=retention.REFERRAL_DAYS,
    )


@bp.get("/healthz")
def healthz():
    """For a load balancer and for monitoring: 200 while pages can be served
    (status "ok", or "degraded" when email lags behind), 503 when they cannot
    (no database, migrations not applied). Counts and ages only."""
    config = current_app.config
    result = health.check(
        utcnow(),
        health.migration_heads(config["MIGRATIONS_DIRECTORY"]),
        worker_expected=config["OUTBOX_DRAIN"] == "worker",
    )
    code = 503 if result.status == health.FAILING else 200
    response = jsonify(status=result.status, checks=result.checks)
    response.headers["Cache-Control"] = "no-store"
    return response, code
