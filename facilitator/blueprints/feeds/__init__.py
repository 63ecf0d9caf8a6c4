"""Calendar feeds: secret subscription links, their management, .ics downloads."""

from __future__ import annotations

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.blueprints.common import load_group, render_form, safe_next
from facilitator.extensions import cache, limiter
from facilitator.models import Group
from facilitator.services import calendar_feed, clock, feeds, schedule, unit
from facilitator.services.errors import NotFound

from . import fastpath
from .forms import DiscreetForm, FeedLinkForm

bp = Blueprint("feeds", __name__, template_folder="templates")

ICS = fastpath.ICS


def _link_for(group: Group, key: str | None) -> str:
    """The page of one meeting, or (``key`` None) the group's meetings."""
    if key is None:
        return url_for("meetings.index", group_id=group.id, _external=True)
    return url_for("meetings.show", group_id=group.id, key=key, _external=True)


def _ics(body: bytes, filename: str | None = None) -> Response:
    response = Response(body, content_type=ICS)
    response.headers["Cache-Control"] = fastpath.CACHE_CONTROL
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@limiter.request_filter
def _feeds_are_not_rate_limited() -> bool:
    """Feed polls skip the rate limiter entirely (a 256-bit secret is not
    guessed, and clients poll often); filtering here is cheaper than exempt."""
    return request.endpoint == "feeds.feed"


@bp.get("/feeds/<token>.ics")
def feed(token: str):
    """Serve a calendar feed to a calendar client (no login: the token is the key)."""
    resolved = request.environ.get(fastpath.RESOLVED)
    if resolved is None:
        try:
            resolved = feeds.resolve(token)
        except NotFound:
            abort(404)
    # Conditional requests that match were answered 304 before Flask, and
    # cached calendars served, by ConditionalFeeds (fastpath.py); what
    # reaches here is rendered unless the cache has it (a fetch recorded as
    # the link's last use).
    key = fastpath.body_key(resolved, clock.today(), request.url_root)
    body = cache.get(key)
    if body is None:
        body = _render(resolved)
        cache.set(key, body)
    response = _ics(body)
    feeds.mark_used(resolved, clock.now())
    unit.commit()
    response.set_etag(resolved.etag)
    response.last_modified = resolved.last_modified
    return response


def _render(resolved: feeds.Resolved) -> bytes:
    return calendar_feed.render_link(
        resolved.user_id, resolved.group_id, clock.today(), link_for=_link_for
    )


GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r?cid="


def _links(token: str) -> dict:
    """The feed's address, its webcal:// form (calendar apps open it), and
    Google Calendar's subscribe page for it (Android and computers)."""
    https = url_for("feeds.feed", token=token, _external=True)
    webcal = "webcal://" + https.split("://", 1)[1]
    return {"https": https, "webcal": webcal, "google": GOOGLE_SUBSCRIBE + quote(webcal, safe="")}


def _link_form() -> FeedLinkForm:
    """The form for a new link, named "my phone" (in the reader's language)
    until the person writes another name."""
    form = FeedLinkForm(prefix="link")
    if request.method == "GET":
        form.label.data = _("my phone")
    return form


NEW_LINK = "new_feed_link"


def _show_once(token: str, group_id: int | None):
    """After creating a link, show it on the next page, once: a reload or the
    back button then neither shows it again nor creates another one."""
    session[NEW_LINK] = {"token": token, "group_id": group_id}
    return redirect(url_for("feeds.new_link"))


@bp.get("/account/calendar/new")
@login_required
def new_link():
    """Show a link just created, with help for each calendar app (once)."""
    created = session.pop(NEW_LINK, None)
    if created is None:
        flash(
            _(
                "A calendar link is shown only once, right after it is created. "
                "If you lost it, create a new one and revoke the old one."
            ),
            "info",
        )
        return redirect(url_for("feeds.personal"))
    group = load_group(created["group_id"])[0] if created["group_id"] else None
    return render_template(
        "feeds/subscribe.html",
        links=_links(created["token"]),
        group=group,
        both_kinds=len(feeds.link_kinds(current_user)) == 2,
    )


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def personal():
    """Manage the personal calendar feed (all of the user's groups)."""
    form = _link_form()
    discreet_form = DiscreetForm(prefix="prefs", data={"discreet": current_user.feed_discreet})
    if request.method == "POST" and "prefs-submit" in request.form:
        if discreet_form.validate():
            feeds.set_discreet(current_user, bool(discreet_form.discreet.data))
            unit.commit()
            flash(_("Your calendar settings have been saved."), "success")
            return redirect(url_for("feeds.personal"))
    elif form.validate_on_submit():
        _feed, token = feeds.create(current_user, form.label.data)
        unit.commit()
        return _show_once(token, None)
    return render_form(
        "feeds/personal.html",
        form,
        discreet_form=discreet_form,
        tokens=feeds.tokens_of(current_user),
        both_kinds=len(feeds.link_kinds(current_user)) == 2,
    )


@bp.route("/groups/<int:group_id>/calendar", methods=["GET", "POST"])
@login_required
def group_calendar(group_id: int):
    """Create a link to the group's calendar feed, and list mine."""
    group, membership = load_group(group_id)
    form = _link_form()
    if form.validate_on_submit():
        _feed, token = feeds.create(current_user, form.label.data, group=group)
        unit.commit()
        return _show_once(token, group.id)
    return render_form(
        "feeds/group.html",
        form,
        group=group,
        membership=membership,
        tokens=feeds.tokens_of(current_user, group_id=group.id),
        both_kinds=len(feeds.link_kinds(current_user)) == 2,
    )


@bp.post("/account/calendar/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Revoke one feed link: calendars using it stop receiving updates."""
    feeds.revoke(current_user, token_id)
    unit.commit()
    flash(
        _("The link has been revoked. Calendars that used it no longer receive meetings."),
        "success",
    )
    return redirect(safe_next(url_for("feeds.personal")))


@bp.get("/groups/<int:group_id>/meetings/<key>.ics")
@login_required
def meeting_ics(group_id: int, key: str):
    """Download one meeting as an .ics file."""
    group, _membership = load_group(group_id)
    occurrence = schedule.find(group, key)
    body = calendar_feed.render_occurrence(group, occurrence, _link_for(group, key))
    return _ics(body, f"meeting-{occurrence.start:%Y-%m-%d}.ics")


@bp.get("/groups/<int:group_id>/series/<int:series_id>.ics")
@login_required
def series_ics(group_id: int, series_id: int):
    """Download a series of meetings as an .ics file."""
    group, _membership = load_group(group_id)
    series = schedule.series_in(group, series_id)
    return _ics(calendar_feed.render_series(group, series, _link_for), "meetings.ics")
