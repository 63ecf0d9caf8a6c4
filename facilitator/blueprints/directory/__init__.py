"""The public directory: groups that chose to be listed, and "contact this group"."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from facilitator.blueprints.common import load_group, render_form
from facilitator.blueprints.forms import ContactForm
from facilitator.extensions import limiter
from facilitator.models import CANTONS, LANGUAGES, THEMES
from facilitator.services import clock, directory, referrals, retention, unit

bp = Blueprint("directory", __name__, template_folder="templates")


def _per_group_key() -> str:
    return f"contact-group:{request.view_args.get('group_id')}"


@bp.get("/groups")
def index():
    """List the groups that chose to be listed, filtered by theme, canton, language."""
    theme = request.args.get("theme") if request.args.get("theme") in THEMES else None
    canton = request.args.get("canton") if request.args.get("canton") in CANTONS else None
    language = request.args.get("language") if request.args.get("language") in LANGUAGES else None
    listings = directory.listed(theme, canton, language, clock.today())
    return render_template(
        "directory/index.html",
        listings=listings,
        themes=THEMES,
        cantons=CANTONS,
        languages=LANGUAGES,
        chosen={"theme": theme, "canton": canton, "language": language},
        centres=referrals.directory_centres(),
    )


@bp.route("/groups/<int:group_id>/contact", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CONTACT_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["CONTACT_LIMIT_PER_GROUP"], key_func=_per_group_key, methods=["POST"]
)
def contact(group_id: int):
    """Write to a listed group; its co-responsible members answer."""
    group = directory.listed_group(group_id)
    if group.founding and group.centre_id is not None:  # the centre answers
        return redirect(url_for("centre_directory.ask", centre_id=group.centre_id))
    form = ContactForm()
    if form.validate_on_submit():
        if not form.website.data:  # robots get the same answer, and nothing is sent
            link = url_for("directory.messages", group_id=group.id, _external=True)
            directory.send_message(
                group, form.sender_name.data, form.sender_contact.data, form.body.data, link
            )
            unit.commit()
        flash(
            _("Thank you. Your message has been passed on; the group will answer you."), "success"
        )
        return redirect(url_for("directory.index"))
    return render_form(
        "directory/contact.html", form, group=group, name=directory.public_name(group)
    )


@bp.get("/groups/<int:group_id>/messages")
@login_required
def messages(group_id: int):
    """Read the messages visitors sent through the directory."""
    group, membership = load_group(group_id, coresponsible=True)
    items = directory.messages(group)
    return render_template(
        "directory/messages.html",
        group=group,
        membership=membership,
        items=items,
        kept_days=retention.CONTACT_MESSAGE_DAYS,
    )


@bp.post("/groups/<int:group_id>/messages/<int:message_id>/delete")
@login_required
def delete_message(group_id: int, message_id: int):
    """Delete a visitor's message."""
    group, _membership = load_group(group_id, coresponsible=True)
    directory.delete_message(group, message_id)
    unit.commit()
    flash(_("The message has been deleted."), "success")
    return redirect(url_for("directory.messages", group_id=group.id))
