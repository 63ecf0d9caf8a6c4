"""Self-help centres: the staff pages (``bp``, under /centres), a group's
choice of a centre (``group_bp``, on the group's settings) and the instance
administrators' staff-action trail (``admin_bp``).

Staff see group-level facts only (services/centre_groups.py); the loaders
answer 404 to anyone who is not staff of the centre, and the administrators'
page 404 to anyone who is not an instance administrator.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from facilitator.blueprints.common import (
    load_centre,
    load_group,
    page_number,
    page_of,
    sharing_page,
)
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.blueprints.signal_text import StaffWords
from facilitator.formatting import day_text
from facilitator.i18n import GROUP_LANGUAGE_NAMES
from facilitator.models._common import MAX_ID
from facilitator.models.groups import CANTONS, LANGUAGES, THEMES
from facilitator.services import centre_groups, centres, clock, health_signals, rooms, unit
from facilitator.services.errors import Conflict, DomainError

from .forms import AttachForm, SignalsSharingForm
from .nav import STAFF_LINKS

bp = Blueprint("centres", __name__, template_folder="templates")
group_bp = Blueprint("group_centre", __name__, template_folder="templates")
admin_bp = Blueprint("admin", __name__, template_folder="templates")

ACTIONS_PAGE_SIZE = 50
# The staff list shows this many groups a page (its CSV has them all).
GROUPS_PAGE_SIZE = 50


@bp.record_once
def _staff_links(state) -> None:
    """The staff menu, for the centre pages of every blueprint: a Jinja
    global, since the menu's macro is imported without the page's context."""
    state.app.jinja_env.globals["staff_links"] = STAFF_LINKS


def _named(kind: str, code: str) -> str:
    """A theme's or a canton's name in the reader's language (the filters
    that the groups' pages register)."""
    return str(current_app.jinja_env.filters[f"{kind}_name"](code))


# --- Staff pages ---------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    """My centres; straight to the one when there is one."""
    mine = centres.centres_of(current_user.id)
    if not mine:
        abort(404)
    if len(mine) == 1:
        return redirect(url_for("centres.groups", centre_id=mine[0].id))
    return render_template("centres/index.html", centres=mine)


def _labels() -> dict[str, str]:
    return {
        "name": _("Group"),
        "theme": _("Theme"),
        "canton": _("Canton"),
        "language": _("Language"),
        "status": _("Status"),
        "next_meeting": _("Next meeting"),
        "members": _("Members"),
        "newcomers": _("Newcomers welcome"),
        "listed": _("In the directory"),
        "signals": _("Signals"),
    }


def _status_names() -> dict[str, str]:
    return {
        "founding": _("being founded"),
        "active": _("active"),
        "paused": _("paused"),
        "dormant": _("dormant"),
    }


@bp.get("/<int:centre_id>/groups")
@login_required
def groups(centre_id: int):
    """The centre's groups: group-level facts, filters, search."""
    centre = load_centre(centre_id)
    filters = centre_groups.Filters.parse(request.args.get)
    rows = centre_groups.centre_groups(centre, filters, clock.now())
    shown, page, pages = page_of(rows, GROUPS_PAGE_SIZE)
    # Names translated once for the page, not once per row.
    return render_template(
        "centres/groups.html",
        centre=centre,
        rows=shown,
        total=len(rows),
        page=page,
        pages=pages,
        first=(page - 1) * GROUPS_PAGE_SIZE + 1,
        filters=filters,
        labels=_labels(),
        statuses=_status_names(),
        themes={code: _named("theme", code) for code in THEMES},
        cantons={code: _named("canton", code) for code in CANTONS},
        languages={code: _named("language", code) for code in LANGUAGES},
        days={
            day: day_text(day, "medium")
            for day in {row.next_meeting.date() for row in shown if row.next_meeting}
        },
        yes_no={True: _("yes"), False: _("no")},
        listed={True: _("listed"), False: _("not listed")},
        signal_words=StaffWords(),
        quiet_weeks=current_app.config["HEALTH_QUIET_WEEKS"],
    )


@bp.get("/<int:centre_id>/groups.csv")
@login_required
def groups_csv(centre_id: int):
    """The same list as CSV (a staff action: recorded)."""
    centre = load_centre(centre_id)
    filters = centre_groups.Filters.parse(request.args.get)
    rows = centre_groups.centre_groups(centre, filters, clock.now())
    values = {
        **_status_names(),
        **{code: _named("theme", code) for code in THEMES},
        "yes": _("yes"),
        "no": _("no"),
    }
    body = centre_groups.to_csv(rows, _labels(), values, StaffWords().text)
    centres.record(centre, current_user, "groups_exported", rows=len(rows), **filters.as_args())
    unit.commit()
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="groups-{clock.today("Europe/Zurich").isoformat()}.csv"'
    )
    return response


# --- A group's centre, chosen by its co-responsibles ---------------------------------------


def _offer(group, form: AttachForm) -> None:
    """The centres to choose from: those serving the group's canton first."""
    canton = _named("canton", group.canton)
    form.centre.choices = [
        SelectChoice(
            c.id,
            _("%(centre)s (serves %(canton)s)", centre=c.name, canton=canton)
            if group.canton in (c.cantons or [])
            else c.name,
        )
        for c in centres.choices_for(group)
    ]


def _attach_page(group, membership, form, status=200):
    return render_template(
        "centres/attach.html", group=group, membership=membership, form=form
    ), status


@group_bp.route("/groups/<int:group_id>/centre", methods=["GET", "POST"])
@login_required
def choose(group_id: int):
    """See the group's centre, or choose one and attach the group to it."""
    group, membership = load_group(group_id, coresponsible=True)
    form = AttachForm()
    _offer(group, form)
    if request.method == "GET":
        return _attach_page(group, membership, form)
    if not form.validate_on_submit():
        return _attach_page(group, membership, form, 400)
    try:
        centre = centres.attach(group, current_user, form.centre.data)
    except DomainError as exc:
        unit.rollback()
        if isinstance(exc, Conflict):  # attached meanwhile: the page now shows it
            flash_at("centre-status", str(exc.message), "error")
        else:
            form.centre.errors = [*form.centre.errors, str(exc.message)]
        return _attach_page(group, membership, form, exc.status)
    unit.commit()
    flash_at("centre-status", _("The group is now attached to %(centre)s.", centre=centre.name))
    return redirect_to(url_for("group_centre.choose", group_id=group.id), "centre-status")


@group_bp.route("/groups/<int:group_id>/centre/detach", methods=["GET", "POST"])
@login_required
def detach(group_id: int):
    """Confirm, then detach the group from its centre (at once)."""
    group, membership = load_group(group_id, coresponsible=True)
    if group.centre is None:
        return redirect(url_for("group_centre.choose", group_id=group.id))
    if request.method == "GET":
        return render_template(
            "centres/confirm_detach.html",
            group=group,
            membership=membership,
            booked=rooms.has_bookings(group),
        )
    centre = centres.detach(group, current_user)
    unit.commit()
    if centre is not None:
        flash_at(
            "centre-status", _("The group is no longer attached to %(centre)s.", centre=centre.name)
        )
    return redirect_to(url_for("group_centre.choose", group_id=group.id), "centre-status")


@group_bp.route("/groups/<int:group_id>/sharing/signals", methods=["GET", "POST"])
@login_required
def signals_sharing(group_id: int):
    """Say exactly what sharing the health signals gives the centre; turn it
    on or off (recorded in the group's history)."""
    group, membership = load_group(group_id, coresponsible=True)
    return sharing_page(
        group,
        SignalsSharingForm(),
        lambda share: health_signals.set_sharing(group, current_user, share),
        lambda: group.share_signals,
        (
            _("The signals are shared with the centre."),
            _("The signals are no longer shared with the centre."),
        ),
        "centres/signals_sharing.html",
        membership=membership,
        weeks=current_app.config["HEALTH_QUIET_WEEKS"],
    )


# --- Instance administrators ---------------------------------------------------------------


@admin_bp.get("/admin/staff-actions")
def staff_actions():
    """The staff-action trail, newest first, for instance administrators
    only (404 for anyone else: the page is not there for them)."""
    if not current_user.is_authenticated or not current_user.is_admin:
        abort(404)
    centre_id = request.args.get("centre", type=int)
    if centre_id is not None and not 1 <= centre_id <= MAX_ID:
        centre_id = None
    try:
        page = centres.actions_page(centre_id, page_number(), ACTIONS_PAGE_SIZE)
    except DomainError:
        abort(404)
    return render_template(
        "centres/staff_actions.html",
        page=page,
        centre_id=centre_id,
        centres=centres.every_centre(),
        languages=GROUP_LANGUAGE_NAMES,
    )
