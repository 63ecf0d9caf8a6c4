"""Registration, log-in, log-out and password reset."""

from __future__ import annotations

import contextlib

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from facilitator.blueprints.common import (
    announce_arrival,
    field_error,
    invalid_invitation,
    landing_after_joining,
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


KNOWN_DEVICE_COOKIE = "known_device"


def _submitted_email() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def _submitted_email_and_ip() -> str:
    return f"{_submitted_email()}|ip:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code >= 400


def _limit(name: str):
    return lambda: current_app.config[name]


def _known_device() -> bool:
    """Whether this device logged in to the submitted account before (its
    signed "known device" cookie says so): then the account's limits, which a
    stranger's wrong guesses may have used up, do not apply; the address's
    limit still does."""
    if request.method != "POST":
        return False
    if "known_device" not in g:
        g.known_device = accounts.is_known_device(
            request.cookies.get(KNOWN_DEVICE_COOKIE), request.form.get("email", "")
        )
    return g.known_device


# Every attempt counts per address; only failed ones count against an account,
# per address (one stranger cannot lock the owner out) and from all addresses
# together (many strangers slow down, but the owner's known devices get in).
login_limits = [
    limiter.limit(_limit("LOGIN_LIMIT_PER_IP"), methods=["POST"]),
    *(
        limiter.limit(
            _limit(setting),
            key_func=key,
            methods=["POST"],
            deduct_when=_failed,
            exempt_when=_known_device,
        )
        for setting, key in (
            ("LOGIN_LIMIT_PER_ACCOUNT_AND_IP", _submitted_email_and_ip),
            ("LOGIN_LIMIT_PER_ACCOUNT", _submitted_email),
        )
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


def logged_in(user, target: str, remember: bool = False):
    """Log ``user`` in and redirect to ``target``; the device is known to
    the account from now on (see _known_device)."""
    login_user(user, remember=remember)
    response = redirect(target)
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        accounts.known_device_token(request.cookies.get(KNOWN_DEVICE_COOKIE), user),
        max_age=current_app.config["KNOWN_DEVICE_DAYS"] * 86400,
        path=url_for("auth.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


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
            return logged_in(user, safe_next(url_for("main.index")), remember=form.remember.data)
        form.password.errors.append(_("The email address or the password is not correct."))
    elif request.method == "GET":
        form.next.data = request.args.get("next", "")
    return render_form("auth/login.html", form)


@bp.post("/logout")
def logout():
    """Log the current user out: the session ends on the server, so that
    neither a copy of the session cookie nor the "stay logged in" one works
    any more (on the user's other devices neither)."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
        unit.commit()
    logout_user()
    flash(_("You are logged out on all your devices, this one included."), "info")
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
        flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
        target = url_for("main.index")
        if registration.invitation:
            try:
                membership = invitations.accept(registration.invitation, user)
                charter.acknowledge(membership, form.shown if rules else None)
            except charter.CharterChanged as exc:
                # changed in substance at this very moment: read it again there
                flash_error(exc)
                target = url_for("groups.invitation", token=registration.invitation)
            except DomainError as exc:
                flash_error(exc)
            else:
                announce_arrival(membership)
                unit.commit()
                target = landing_after_joining(membership)
        return logged_in(user, target)
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
