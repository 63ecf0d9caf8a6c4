"""Registration, log-in, log-out and password reset."""

from __future__ import annotations

import contextlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from facilitator.blueprints.common import (
    announce_arrival,
    field_error,
    invalid_invitation,
    render_form,
    safe_next,
)
from facilitator.errors import flash_error
from facilitator.extensions import limiter
from facilitator.i18n import current_language, use_context_language
from facilitator.services import accounts, charter, invitations, unit
from facilitator.services.errors import DomainError

from .forms import (
    LoginForm,
    RegisterFinishForm,
    RegisterJoinForm,
    RegisterStartForm,
    ResetPasswordForm,
    ResetRequestForm,
)

bp = Blueprint("auth", __name__, template_folder="templates")


def _submitted_email() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def _failed(response) -> bool:
    return response.status_code >= 400


def _limit(name: str):
    return lambda: current_app.config[name]


login_limits = [
    limiter.limit(_limit("LOGIN_LIMIT_PER_IP"), methods=["POST"]),
    limiter.limit(
        _limit("LOGIN_LIMIT_PER_ACCOUNT"),
        key_func=_submitted_email,
        methods=["POST"],
        deduct_when=_failed,
    ),
]
mail_limits = [
    limiter.limit(_limit("MAIL_LIMIT_PER_IP"), methods=["POST"]),
    limiter.limit(_limit("MAIL_LIMIT_PER_ACCOUNT"), key_func=_submitted_email, methods=["POST"]),
]


def limited(limits):
    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate


@bp.route("/login", methods=["GET", "POST"])
@limited(login_limits)
def login():
    """Log a user in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("main.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            unit.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(url_for("main.index")))
        form.password.errors.append(_("The email address or the password is not correct."))
    elif request.method == "GET":
        form.next.data = request.args.get("next", "")
    return render_form("auth/login.html", form)


@bp.post("/logout")
def logout():
    """Log the current user out."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@limited(mail_limits)
def register():
    """Ask for an email address and send a link to finish the registration."""
    form = RegisterStartForm()
    if request.method == "GET":
        form.invitation.data = request.args.get("invitation", "")
    group = None
    if form.invitation.data:
        try:
            group = invitations.find(form.invitation.data).group
        except DomainError as exc:
            return invalid_invitation(exc)
        use_context_language(group.language)
    if form.validate_on_submit():
        invitation = form.invitation.data or None
        accounts.start_registration(
            form.email.data,
            current_language(),
            lambda token: url_for("auth.register_finish", token=token, _external=True),
            invitation=invitation,
        )
        unit.commit()
        return render_template("auth/check_inbox.html", email=form.email.data)
    return render_form("auth/register.html", form, group=group)


@bp.route("/register/<token>", methods=["GET", "POST"])
def register_finish(token: str):
    """Create the account for a confirmed email address; invited, agree to
    the group's charter and join it."""
    try:
        registration = accounts.read_registration(token)
    except DomainError as exc:
        return render_template("auth/link_invalid.html", message=exc.message), exc.status
    group = rules = None
    if registration.invitation:
        # A newcomer invited to a Ticino group finishes in Italian, whatever
        # the phone's language (unless they chose another one).
        # (A bad invitation is reported, with a message, once the account exists.)
        with contextlib.suppress(DomainError):
            group = invitations.find(registration.invitation).group
            use_context_language(group.language)
            rules = charter.current_version(group)
    form = RegisterJoinForm() if rules else RegisterFinishForm()
    form._email = registration.email
    if request.method == "GET":
        form.language.data = current_language()
    context = {"email": registration.email, "group": group, "rules": rules}
    if rules is not None:
        form.version.data = form.version.data or str(rules.number)
    if form.validate_on_submit():
        try:
            if rules is not None:  # before anything is saved
                charter.check_shown(group, form.shown)
            user = accounts.create_account(
                registration.email,
                form.display_name.data,
                form.password.data,
                form.language.data,
            )
        except DomainError as exc:
            if rules is not None:
                form.version.data = str(rules.number)
                form.agree.data = False
            return field_error(form, exc, "auth/register_finish.html", **context)
        unit.commit()
        login_user(user)
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
        if registration.invitation:
            try:
                membership = invitations.accept(registration.invitation, user)
                charter.acknowledge(membership, form.shown if rules else None)
            except charter.CharterChanged as exc:
                # changed in substance at this very moment: read it again there
                flash_error(exc)
                return redirect(url_for("groups.invitation", token=registration.invitation))
            except DomainError as exc:
                flash_error(exc)
            else:
                announce_arrival(membership)
                unit.commit()
                return redirect(url_for("groups.welcome", group_id=membership.group_id))
        return redirect(url_for("main.index"))
    return render_form("auth/register_finish.html", form, **context)


@bp.route("/reset", methods=["GET", "POST"])
@limited(mail_limits)
def reset_request():
    """Send a password-reset link to the given address."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(
            form.email.data,
            current_language(),
            lambda token: url_for("auth.reset_password", token=token, _external=True),
            register_link=url_for("auth.register", _external=True),
        )
        unit.commit()
        return render_template("auth/check_inbox.html", email=form.email.data, reset=True)
    return render_form("auth/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password from a reset link."""
    try:
        user = accounts.user_for_reset(token)
    except DomainError as exc:
        return render_template("auth/link_invalid.html", message=exc.message), exc.status
    form = ResetPasswordForm()
    form._email = user.email
    if form.validate_on_submit():
        accounts.reset_password(token, form.password.data)
        unit.commit()
        logout_user()
        flash(_("Your password has been changed. You can now log in."), "success")
        return redirect(url_for("auth.login"))
    return render_form("auth/reset_password.html", form)
