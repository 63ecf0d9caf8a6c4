"""Translated error pages and the mapping of domain errors to answers."""

from __future__ import annotations

import logging

from flask import current_app, flash, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from facilitator.blueprints.feedback import flash_at
from facilitator.services import unit
from facilitator.services.errors import DomainError

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    403: (_l("Not allowed"), _l("You are not allowed to do this.")),
    404: (_l("Page not found"), _l("This page does not exist or is not available to you.")),
    405: (_l("Not allowed"), _l("This page cannot be used in this way.")),
    410: (_l("No longer available"), _l("This link is no longer valid.")),
    413: (_l("Too much data"), _l("What you sent is too large. Please shorten it and try again.")),
    429: (
        _l("Too many attempts"),
        _l("Too many attempts in a short time. Please wait a few minutes and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l(
            "An unexpected error happened on our side. Nothing you did caused it; please try again later."
        ),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("This service is temporarily unavailable. Please try again later."),
    ),
}
CSRF_MESSAGE = _l(
    "The form had expired or was sent from elsewhere. Please reload the page and try again."
)


def render_error(status: int, message=None):
    title, default = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html", status=status, title=title, message=message or default
    ), status


def handle_http_error(exc: HTTPException):
    unit.rollback()
    status = exc.code or 500
    return render_error(status if status in MESSAGES else 500)


def handle_csrf_error(exc: CSRFError):
    return render_error(400, CSRF_MESSAGE)


def handle_domain_error(exc: DomainError):
    """An uncaught domain error: roll back and show its message with its status."""
    unit.rollback()
    return render_error(exc.status, exc.message)


def handle_unexpected(exc: Exception):
    unit.rollback()
    # The URL may hold a secret token: log only the endpoint.
    log.exception("unhandled error on %s", request.endpoint)
    return render_error(500)


def flash_error(exc: DomainError, place: str | None = None) -> None:
    """Roll back and say why, beside ``place`` if given (see blueprints.feedback)."""
    unit.rollback()
    if place:
        flash_at(place, str(exc.message), "error")
    else:
        flash(str(exc.message), "error")


def check_unit_ended(response):
    """A request ends its unit of work (``unit.commit`` or a rollback):
    changes left uncommitted would be lost silently, and their mail with
    them. Fails loudly under tests, logs otherwise."""
    if unit.has_unsaved_changes():
        if current_app.testing:
            raise RuntimeError(f"{request.endpoint} changed data without unit.commit()")
        log.error("%s changed data without unit.commit(); rolled back", request.endpoint)
    return response


def init_app(app) -> None:
    app.after_request(check_unit_ended)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
    if not app.config.get("TESTING"):
        app.register_error_handler(Exception, handle_unexpected)
    else:
        app.register_error_handler(500, handle_http_error)
