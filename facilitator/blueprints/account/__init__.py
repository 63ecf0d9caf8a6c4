"""The user's own account: profile, language and password."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from facilitator.blueprints.audit_text import audit_html, audit_text
from facilitator.blueprints.common import announce_departure, field_error, render_form
from facilitator.formatting import local_day_text, moment_text
from facilitator.i18n import UI_LANGUAGES
from facilitator.services import accounts, privacy, unit
from facilitator.services.errors import DomainError

from .forms import DeleteAccountForm, PasswordForm, ProfileForm

bp = Blueprint("account", __name__, template_folder="templates")
bp.add_app_template_filter(moment_text, "moment")
bp.add_app_template_filter(local_day_text, "local_day")


@bp.before_request
@login_required
def require_login():
    """Every page of this area is for the logged-in user only."""


@bp.route("/", methods=["GET", "POST"])
def profile():
    """Show and change the display name and the language."""
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.language.data = current_user.locale
    if form.validate_on_submit():
        accounts.update_profile(
            current_user, form.display_name.data, form.language.data, form.reminder_days.data
        )
        unit.commit()
        session["lang"] = form.language.data
        refresh()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("account.profile"))
    return render_form("account/profile.html", form)


@bp.route("/password", methods=["GET", "POST"])
def password():
    """Change the password; other sessions are logged out."""
    form = PasswordForm()
    form._email = current_user.email
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as exc:
            return field_error(form, exc, "account/password.html")
        unit.commit()
        # The session version changed: renew this session's login.
        login_user(current_user._get_current_object())
        flash(_("Your password has been changed. Other devices have been logged out."), "success")
        return redirect(url_for("account.profile"))
    return render_form("account/password.html", form)


@bp.post("/sessions/end")
def end_sessions():
    """Log out on every device, this one included."""
    accounts.end_sessions(current_user._get_current_object())
    unit.commit()
    logout_user()
    flash(_("You are logged out on all your devices, this one included."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/data")
def data():
    """Show everything stored about me, in my language."""
    return render_template(
        "account/data.html",
        data=privacy.collect(current_user, audit_html),
        language_names={code: name for code, (_locale, name) in UI_LANGUAGES.items()},
    )


@bp.get("/data.json")
def data_json():
    """Download everything stored about me, as JSON."""
    body = json.dumps(privacy.export(current_user, audit_text), ensure_ascii=False, indent=2)
    response = Response(body, content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="facilitator-my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
def delete():
    """Delete my account, after confirming with my password."""
    form = DeleteAccountForm()
    blocking = privacy.groups_blocking_deletion(current_user)
    if form.validate_on_submit():
        name = current_user.display_name
        try:
            left = privacy.delete_account(current_user._get_current_object(), form.password.data)
        except DomainError as exc:
            return field_error(form, exc, "account/delete.html", blocking=blocking)
        for group, reopened in left:
            announce_departure(group, name, reopened)
        unit.commit()
        logout_user()
        session.clear()
        flash(_("Your account has been deleted. Thank you for the time you shared."), "success")
        return redirect(url_for("main.index"))
    return render_form("account/delete.html", form, blocking=blocking)
