"""The public side of self-help centres: a visitor writes to a centre ("I am
looking for a group about …"), and a centre's directory feed for its own
website (JSON and an HTML list to embed)."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField

from facilitator.blueprints.common import render_form
from facilitator.blueprints.forms import ContactForm, LineField, max_length, required, strip
from facilitator.extensions import cache, limiter
from facilitator.i18n import current_language
from facilitator.models.contact import BODY_MAX, CONTACT_MAX
from facilitator.services import centre_feed, clock, directory, referrals, unit

bp = Blueprint("centre_directory", __name__, template_folder="templates")

# The feed is read by the centre's website and by browsers: an hour is fresh
# enough (a new listing appears within the hour; a conditional request is cheap).
FEED_MAX_AGE = 3600


class ReferralForm(ContactForm):
    """A visitor's message to a centre: the message to a group's fields (the
    same honeypot), other words, and the consent to be passed on."""

    body = TextAreaField(
        _l("What kind of group are you looking for?"),
        validators=[required(), max_length(BODY_MAX)],
        filters=[strip],
        description=_l(
            "For example: a group about grief, near Lausanne, in the evening. "
            "Say only what you are comfortable sharing."
        ),
    )
    sender_contact = LineField(
        _l("How to reach you (email address or phone)"),
        validators=[required(), max_length(CONTACT_MAX)],
        description=_l("Only the centre's staff see it, and a group if you agree below."),
    )
    consent = BooleanField(
        _l("The centre may pass my request to a group"),
        description=_l(
            "Then a group's co-responsible members may receive your name, how to reach you "
            "and your message, and contact you."
        ),
    )


def _per_centre_key() -> str:
    return f"referral-centre:{(request.view_args or {}).get('centre_id')}"


@bp.route("/directory/centres/<int:centre_id>/write", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CONTACT_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["REFERRAL_LIMIT_PER_CENTRE"],
    key_func=_per_centre_key,
    methods=["POST"],
)
def ask(centre_id: int):
    """Ask a self-help centre to help find a group."""
    centre = referrals.public_centre(centre_id)
    form = ReferralForm()
    if form.validate_on_submit():
        if not form.website.data:  # robots get the same answer, and nothing is kept
            referrals.ask(
                centre,
                form.sender_name.data,
                form.sender_contact.data,
                form.body.data,
                bool(form.consent.data),
                current_language(),
                url_for("centre_requests.index", centre_id=centre.id, _external=True),
            )
            unit.commit()
        flash(_("Thank you. The centre has received your request and will answer you."), "success")
        return redirect(url_for("directory.index"))
    return render_form("centre_directory/ask.html", form, centre=centre, name=centre.name)


def _public(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response


def _listing_facts(listing) -> dict:
    """A group's entry in the feed: its contact is the centre's request form
    while the group is being founded."""
    group = listing.group
    contact = (
        url_for("centre_directory.ask", centre_id=group.centre_id, _external=True)
        if group.founding
        else url_for("directory.contact", group_id=group.id, _external=True)
    )
    return centre_feed.group_facts(listing, current_app.jinja_env.filters["rhythm"], contact)


def _feed(centre, kind: str, build, respond) -> Response:
    """The centre's feed of ``kind`` ("json" or "html") in the reader's
    language: 304 when the client has it; else its body from the cache, or
    ``build(listings)`` and cached, answered by ``respond(body)``."""
    language = current_language()
    etag = centre_feed.fingerprint(centre, clock.today(), f"{kind}:{language}:{request.url_root}")
    if etag in request.if_none_match:
        return _public(Response(status=304), etag)
    key = f"centre-{kind}:{etag}"
    body = cache.get(key)
    if body is None:
        body = build(directory.listed(None, None, None, clock.today(), centre_id=centre.id))
        cache.set(key, body)
    return _public(respond(body), etag)


@bp.get("/directory/centres/<int:centre_id>.json")
def feed_json(centre_id: int):
    """The centre's listed groups as JSON, for its website."""
    centre = referrals.public_centre(centre_id)

    def build(listings) -> bytes:
        data = {
            "schema": centre_feed.SCHEMA_VERSION,
            "centre": {
                "id": centre.id,
                "name": centre.name,
                "write_url": url_for("centre_directory.ask", centre_id=centre.id, _external=True),
            },
            "language": current_language(),
            "groups": [_listing_facts(item) for item in listings],
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    def respond(body: bytes) -> Response:
        response = Response(body, content_type="application/json; charset=utf-8")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    return _feed(centre, "json", build, respond)


@bp.get("/directory/centres/<int:centre_id>/embed")
def embed(centre_id: int):
    """The centre's listed groups as a small HTML page to embed in its website."""
    centre = referrals.public_centre(centre_id)

    def build(listings) -> str:
        return render_template("centre_directory/embed.html", centre=centre, listings=listings)

    def respond(body: str) -> Response:
        response = Response(body, content_type="text/html; charset=utf-8")
        # Other sites may show it in a frame (its links open in a new tab).
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors *"
        )
        response.headers["X-Frame-Options"] = ""
        return response

    return _feed(centre, "html", build, respond)
