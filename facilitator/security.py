"""Security headers, the loading of the logged-in user, and access logs
without the secrets that some paths carry."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from werkzeug.middleware.proxy_fix import ProxyFix

from facilitator.errors import render_error
from facilitator.extensions import db, login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Secret feed and invitation tokens in URLs never leak through Referer.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Paths whose last part is a secret: calendar feeds, invitations, and the
# links sent by email to register or to choose a new password; and the
# invitation a registration carries in its query. Our secrets
# have 32 characters or more; a part shorter than 16 is none of them (and so
# a traceback's ".../blueprints/feeds/__init__.py" stays readable).
SECRET_PATH = re.compile(
    r"(/(?:feeds|invite|auth/register|auth/reset)/|[?&]invitation=)[^\s/?&#\".]{16,}"
)
# The loggers that write request paths: the access logs, gunicorn's error log
# ("Error handling request GET /feeds/…") and Flask's (the app's own logger:
# "Exception on /feeds/… [GET]").
PATH_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(value):
    return SECRET_PATH.sub(r"\1[redacted]", value) if isinstance(value, str) else value


class RedactSecretPaths(logging.Filter):
    """Log lines keep the path but not its secret part, tracebacks included."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, dict):  # gunicorn's access log atoms
            record.args = {key: redact(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(redact(value) for value in record.args)
        if record.exc_info and not record.exc_text:
            # Formatted here so that the handler prints the redacted text.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = redact(record.exc_text)
        record.stack_info = redact(record.stack_info)
        return True


def redact_logs(*names: str) -> None:
    """Install the filter on these loggers (once each)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretPaths) for f in logger.filters):
            logger.addFilter(RedactSecretPaths())


@lru_cache(maxsize=1)
def _user_by_id():
    """Built once: every request of a logged-in person runs it."""
    from facilitator.models import User

    return select(User).where(User.id == bindparam("id"))


@login_manager.user_loader
def load_user(user_id: str):
    try:
        raw_id, raw_version = user_id.split(".", 1)
        user_id_number, version = int(raw_id), int(raw_version)
    except (ValueError, TypeError):
        return None
    user = db.session.execute(_user_by_id(), {"id": user_id_number}).scalar_one_or_none()
    if user is None or user.session_version != version:
        return None
    return user


HSTS = ("Strict-Transport-Security", "max-age=31536000")


def header_items(config) -> list[tuple[str, str]]:
    """The security headers every response carries (HSTS over HTTPS only)."""
    items = list(HEADERS.items())
    if config["SESSION_COOKIE_SECURE"]:
        items.append(HSTS)
    return items


NUL_MESSAGE = _l(
    "What you sent contains a character that cannot be stored (a null character). "
    "Please retype the text and try again."
)


def reject_nul_characters():
    """No field ever needs a NUL character, and PostgreSQL refuses to store one:
    answer 400 before any view sees it."""
    values = [request.path, *request.args.values()]
    if request.method == "POST":
        values += request.form.values()
    if any("\x00" in value for value in values):
        return render_error(400, NUL_MESSAGE)
    return None


def set_headers(response):
    headers = response.headers
    items = header_items(current_app.config)
    if "Content-Security-Policy" not in headers:  # the usual case: add them all
        headers.extend(items)
    else:
        for name, value in items:
            headers.setdefault(name, value)
    if headers.get("X-Frame-Options") == "":  # a page meant for other sites' frames
        del headers["X-Frame-Options"]
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Calendar clients send no cookies: feed requests skip the session."""

    def open_session(self, app, request):
        if request.path.startswith("/feeds/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    # In every process that loads the app: gunicorn's workers (and its master
    # with --preload), the development server, the flask commands.
    redact_logs(*PATH_LOGGERS, app.logger.name)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(reject_nul_characters)
    app.after_request(set_headers)
    if app.config.get("PROXY_FIX_HOPS"):
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
