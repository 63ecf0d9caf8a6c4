"""Founding a group: a centre's staff found a group "being founded", edit
its facts and hand it over with a single-use link (services/founding.py);
its co-responsibles later say that it has started.

The staff pages answer 404 to anyone not on the centre's staff, and for any
group that is not being founded by that centre.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.blueprints.common import load_centre, load_group, render_form
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.models import Centre, Group
from facilitator.services import clock, founding, unit
from facilitator.services.errors import DomainError

from .forms import FoundingForm

bp = Blueprint("centre_founding", __name__, template_folder="templates")

NEW_HANDOVER = "new_handover"


def _data(form: FoundingForm) -> founding.FoundingData:
    return founding.FoundingData(
        name=form.name.data,
        theme=form.theme.data,
        canton=form.canton.data,
        language=form.language.data,
        town=form.town.data or "",
        directory_title=form.directory_title.data or "",
        description=form.description.data or "",
        listed=bool(form.listed.data),
    )


def _load(centre_id: int, group_id: int) -> tuple[Centre, Group]:
    centre = load_centre(centre_id)
    try:
        return centre, founding.founding_group(centre, group_id)
    except DomainError:
        abort(404)


@bp.route("/centres/<int:centre_id>/found", methods=["GET", "POST"])
@login_required
def found(centre_id: int):
    """Found a group: its facts, no member (staff never become members)."""
    centre = load_centre(centre_id)
    form = FoundingForm()
    if request.method == "GET":
        languages = centre.languages or ["fr"]
        form.language.data = languages[0]
        form.canton.data = (centre.cantons or ["VD"])[0]
    if form.validate_on_submit():
        group = founding.found(centre, current_user, _data(form))
        unit.commit()
        flash_at(
            "handover", _("The group has been founded. Hand it over to its first member next.")
        )
        return redirect_to(
            url_for("centre_founding.show", centre_id=centre.id, group_id=group.id), "handover"
        )
    return render_form("centre_founding/found.html", form, centre=centre)


def _page(centre: Centre, group: Group, form: FoundingForm, status: int = 200):
    new_link = None
    # Shown once: the token leaves the (signed, not secret) session cookie at
    # the next page shown.
    created = session.pop(NEW_HANDOVER, None) if request.method == "GET" else None
    if created and created["group_id"] == group.id:
        new_link = url_for("groups.invitation", token=created["token"], _external=True)
    return render_template(
        "centre_founding/show.html",
        centre=centre,
        group=group,
        form=form,
        open_link=founding.open_handover(group, clock.now()),
        new_link=new_link,
        handover_days=founding.HANDOVER_DAYS,
    ), status


@bp.route("/centres/<int:centre_id>/founding/<int:group_id>", methods=["GET", "POST"])
@login_required
def show(centre_id: int, group_id: int):
    """A group being founded: its facts (edited until it is handed over)
    and its hand-over."""
    centre, group = _load(centre_id, group_id)
    form = FoundingForm(obj=group)
    if request.method == "GET":
        return _page(centre, group, form)
    if not form.validate_on_submit():
        return _page(centre, group, form, 400)
    try:
        changed = founding.update_facts(group, centre, current_user, _data(form))
    except DomainError as exc:
        unit.rollback()
        flash_at("facts-status", str(exc.message), "error")
        return _page(centre, group, FoundingForm(obj=group, formdata=None), exc.status)
    unit.commit()
    flash_at(
        "facts-status",
        _("The changes have been saved.") if changed else _("Nothing was changed."),
    )
    return redirect_to(
        url_for("centre_founding.show", centre_id=centre.id, group_id=group.id), "facts-status"
    )


def _refused(exc: DomainError, target: str):
    """Back to the staff page, which says why (the group was taken over
    meanwhile), next to the hand-over."""
    unit.rollback()
    flash_at("handover", str(exc.message), "error")
    return redirect_to(target, "handover")


@bp.post("/centres/<int:centre_id>/founding/<int:group_id>/handover")
@login_required
def handover(centre_id: int, group_id: int):
    """Make the hand-over link (shown once, on the page the redirect leads to)."""
    centre, group = _load(centre_id, group_id)
    target = url_for("centre_founding.show", centre_id=centre.id, group_id=group.id)
    try:
        _invitation, token = founding.create_handover(group, centre, current_user)
    except DomainError as exc:
        return _refused(exc, target)
    unit.commit()
    session[NEW_HANDOVER] = {"group_id": group.id, "token": token}
    return redirect_to(target, "handover")


@bp.route(
    "/centres/<int:centre_id>/founding/<int:group_id>/handover/revoke", methods=["GET", "POST"]
)
@login_required
def revoke(centre_id: int, group_id: int):
    """Confirm, then withdraw the hand-over link (at once)."""
    centre, group = _load(centre_id, group_id)
    target = url_for("centre_founding.show", centre_id=centre.id, group_id=group.id)
    if request.method == "GET":
        if founding.open_handover(group, clock.now()) is None:
            return redirect(target)
        return render_template("centre_founding/confirm_revoke.html", centre=centre, group=group)
    try:
        revoked = founding.revoke_handover(group, centre, current_user)
    except DomainError as exc:
        return _refused(exc, target)
    unit.commit()
    if revoked:
        flash_at("handover", _("The hand-over link has been withdrawn. It no longer works."))
    return redirect_to(target, "handover")


@bp.route("/centres/<int:centre_id>/founding/<int:group_id>/delete", methods=["GET", "POST"])
@login_required
def give_up(centre_id: int, group_id: int):
    """Confirm, then delete a group that nobody took over."""
    centre, group = _load(centre_id, group_id)
    target = url_for("centre_founding.show", centre_id=centre.id, group_id=group.id)
    if group.handed_over_at is not None:
        return redirect(target)
    if request.method == "GET":
        return render_template("centre_founding/confirm_give_up.html", centre=centre, group=group)
    try:
        name = founding.give_up(group, centre, current_user)
    except DomainError as exc:
        return _refused(exc, target)
    unit.commit()
    flash(_("The group %(name)s has been deleted.", name=name), "success")
    return redirect(url_for("centres.groups", centre_id=centre.id))


@bp.route("/groups/<int:group_id>/started", methods=["GET", "POST"])
@login_required
def started(group_id: int):
    """The co-responsibles confirm that their group has started: it is no
    longer being founded."""
    group, membership = load_group(group_id, coresponsible=True)
    settings = url_for("groups.settings", group_id=group.id)
    if not group.founding:
        return redirect(settings)
    if request.method == "GET":
        return render_template(
            "centre_founding/confirm_started.html", group=group, membership=membership
        )
    if founding.start(group, current_user):
        unit.commit()
        flash_at("founding-status", _("The group has started: it is no longer being founded."))
    return redirect_to(settings, "founding-status")
