"""The user's own account: profile, language and password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user

from facilitator.blueprints.common import field_error, render_form
from facilitator.services import accounts
from facilitator.services.errors import DomainError

from .forms import PasswordForm, ProfileForm

bp = Blueprint("account", __name__, template_folder="templates")


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
        # The session version changed: renew this session's login.
        login_user(current_user._get_current_object())
        flash(_("Your password has been changed. Other devices have been logged out."), "success")
        return redirect(url_for("account.profile"))
    return render_form("account/password.html", form)
