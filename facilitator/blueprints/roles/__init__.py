"""Roles: role types, willingness, absences, and slots on a meeting's page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from facilitator.blueprints.common import load_group, render_form
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.blueprints.meetings import show_page
from facilitator.errors import flash_error
from facilitator.extensions import db
from facilitator.services import clock, roles, schedule
from facilitator.services import groups as group_service
from facilitator.services.errors import DomainError, NotFound

from .forms import AwayForm, RoleTypeForm, WillingForm

bp = Blueprint("roles", __name__, template_folder="templates", url_prefix="/groups/<int:group_id>")


@bp.route("/roles", methods=["GET", "POST"])
@login_required
def index(group_id: int):
    """Show the group's roles and let me say which ones I am willing to take."""
    group, membership = load_group(group_id)
    role_list = db.session.scalars(roles.role_types(group, include_retired=True)).all()
    form = WillingForm()
    form.roles.choices = [SelectChoice(r.id, r.name) for r in role_list if r.active]
    if request.method == "GET":
        form.roles.data = sorted(roles.opted_in(membership))
    swaps = db.session.scalars(roles.pending_swaps(membership)).all()
    if form.validate_on_submit():
        roles.set_opt_ins(membership, set(form.roles.data or []))
        flash(_("Your choice of roles has been saved."), "success")
        return redirect(url_for("roles.index", group_id=group.id))
    return render_form(
        "roles/index.html", form, group=group, membership=membership, role_list=role_list,
        swaps=swaps,
    )  # fmt: skip


def _role_data(form: RoleTypeForm) -> roles.RoleData:
    return roles.RoleData(form.name.data, form.description.data or "", form.slots.data)


@bp.route("/roles/new", methods=["GET", "POST"])
@login_required
def new(group_id: int):
    """Add a role type."""
    group, membership = load_group(group_id, coresponsible=True)
    form = RoleTypeForm()
    if form.validate_on_submit():
        roles.add_role_type(group, current_user, _role_data(form))
        flash(_("The role has been added."), "success")
        return redirect(url_for("roles.index", group_id=group.id))
    return render_form("roles/form.html", form, group=group, membership=membership, role=None)


@bp.route("/roles/<int:role_id>/edit", methods=["GET", "POST"])
@login_required
def edit(group_id: int, role_id: int):
    """Rename a role type or change what it involves."""
    group, membership = load_group(group_id, coresponsible=True)
    role = roles.role_type_in(group, role_id)
    form = RoleTypeForm(obj=role)
    if form.validate_on_submit():
        roles.update_role_type(group, current_user, role, _role_data(form))
        flash(_("The role has been saved."), "success")
        return redirect(url_for("roles.index", group_id=group.id))
    return render_form("roles/form.html", form, group=group, membership=membership, role=role)


@bp.post("/roles/<int:role_id>/<any(retire, restore, up, down):action>")
@login_required
def change(group_id: int, role_id: int, action: str):
    """Retire, restore or reorder a role type."""
    group, _membership = load_group(group_id, coresponsible=True)
    role = roles.role_type_in(group, role_id)
    if action in ("retire", "restore"):
        roles.set_active(group, current_user, role, action == "restore")
    else:
        roles.move(group, role, -1 if action == "up" else 1)
    return redirect(url_for("roles.index", group_id=group.id))


FILL_DEFAULT, FILL_MAX = 8, 26


@bp.get("/roles/fairness")
@login_required
def fairness(group_id: int):
    """Show how the roles were shared over the last twelve months."""
    group, membership = load_group(group_id)
    role_list = db.session.scalars(roles.role_types(group)).all()
    return render_template(
        "roles/fairness.html", group=group, membership=membership, role_list=role_list,
        rows=roles.fairness(group, clock.now()),
    )  # fmt: skip


@bp.get("/roles/fill")
@login_required
def fill(group_id: int):
    """Propose who takes the open roles of the next meetings, fairly."""
    group, membership = load_group(group_id, coresponsible=True)
    count = request.args.get("count", FILL_DEFAULT, type=int) or FILL_DEFAULT
    if not 1 <= count <= FILL_MAX:
        flash(_("Choose between %(min)s and %(max)s meetings.", min=1, max=FILL_MAX), "error")
        return redirect(url_for("roles.fill", group_id=group.id))
    proposal = roles.autofill_proposal(group, count, clock.now())
    return render_template(
        "roles/fill.html", group=group, membership=membership, proposal=proposal,
        count=count, max_count=FILL_MAX,
    )  # fmt: skip


@bp.post("/roles/fill")
@login_required
def fill_apply(group_id: int):
    """Apply the (possibly adjusted) proposal."""
    group, _membership = load_group(group_id, coresponsible=True)
    picks = []
    for name, value in request.form.items():
        if not name.startswith("pick|") or not value:
            continue
        try:
            _prefix, key, role_id, slot = name.split("|")
            picks.append((key, int(role_id), int(slot), int(value)))
        except ValueError:
            continue
    assigned, skipped = roles.apply_autofill(group, current_user, picks, clock.now())
    flash(ngettext("%(num)d role has been given.", "%(num)d roles have been given.", assigned),
          "success")  # fmt: skip
    if skipped:
        flash(ngettext(
            "%(num)d choice could not be applied (taken meanwhile, or the person is away).",
            "%(num)d choices could not be applied (taken meanwhile, or the person is away).",
            skipped), "warning")  # fmt: skip
    return redirect(url_for("meetings.index", group_id=group.id))


@bp.route("/assignments/<int:assignment_id>/swap", methods=["GET", "POST"])
@login_required
def swap(group_id: int, assignment_id: int):
    """Offer my role to another member, as a hand-over or in exchange for theirs."""
    group, membership = load_group(group_id)
    assignment = roles.assignment_in(group, assignment_id)
    if assignment.membership_id != membership.id:
        raise NotFound()
    members, theirs = roles.swap_options(group, membership, assignment, clock.now())
    if request.method == "POST":
        choice = request.form.get("with", "")
        kind, _sep, ident = choice.partition("-")
        try:
            if kind == "member":
                target = group_service.membership_in(group, int(ident))
                other = None
            elif kind == "role":
                other = roles.assignment_in(group, int(ident))
                target = other.membership
            else:
                raise ValueError(choice)
        except ValueError:
            flash(_("Choose one of the options in the list."), "error")
            return render_template(
                "roles/swap.html", group=group, membership=membership, assignment=assignment,
                members=members, theirs=theirs,
            ), 400  # fmt: skip
        try:
            roles.propose_swap(group, membership, assignment, target, other, clock.now())
        except DomainError as exc:
            flash_error(exc)
            return render_template(
                "roles/swap.html", group=group, membership=membership, assignment=assignment,
                members=members, theirs=theirs,
            ), exc.status  # fmt: skip
        flash(_("Your request has been sent to %(name)s. It takes effect when they accept.",
                name=target.user.display_name), "success")  # fmt: skip
        return redirect(url_for("roles.index", group_id=group.id) + "#swaps")
    return render_template(
        "roles/swap.html", group=group, membership=membership, assignment=assignment,
        members=members, theirs=theirs,
    )  # fmt: skip


@bp.post("/swaps/<int:swap_id>/<any(accept, cancel):action>")
@login_required
def swap_answer(group_id: int, swap_id: int, action: str):
    """Accept a request made to me, or withdraw/decline one (either side)."""
    group, membership = load_group(group_id)
    request_ = roles.swap_in(membership, swap_id)
    try:
        if action == "accept":
            roles.accept_swap(group, membership, request_, clock.now())
            flash(_("Done: the roles have changed hands."), "success")
        else:
            roles.cancel_swap(membership, request_)
            flash(_("The request has been withdrawn."), "success")
    except DomainError as exc:
        flash_error(exc)
    return redirect(url_for("roles.index", group_id=group.id) + "#swaps")


@bp.route("/away", methods=["GET", "POST"])
@login_required
def away(group_id: int):
    """List and add the periods when I am away."""
    group, membership = load_group(group_id)
    form = AwayForm()
    if form.validate_on_submit():
        roles.add_unavailability(membership, form.first.data, form.last.data, form.note.data or "")
        flash(_("Your absence has been saved. Nobody can give you a role on those dates."),
              "success")  # fmt: skip
        return redirect(url_for("roles.away", group_id=group.id))
    items = db.session.scalars(
        roles.unavailabilities(membership, clock.today(group.timezone))
    ).all()
    return render_form("roles/away.html", form, group=group, membership=membership, items=items)


@bp.post("/away/<int:item_id>/delete")
@login_required
def away_delete(group_id: int, item_id: int):
    """Remove one of my absences."""
    group, membership = load_group(group_id)
    roles.remove_unavailability(membership, item_id)
    flash(_("The absence has been removed."), "success")
    return redirect(url_for("roles.away", group_id=group.id))


def slot_place(role_id: int, slot: int) -> str:
    """The id of a role's slot on the meeting page, where its feedback shows."""
    return f"slot-{role_id}-{slot}"


def _back(group, key, place):
    return redirect_to(url_for("meetings.show", group_id=group.id, key=key), place)


def _act(group, membership, key, place, action, done_message):
    """Run a role action; say how it went beside the slot, or why it was refused."""
    try:
        action()
    except DomainError as exc:
        flash_error(exc, place)
        return show_page(group, membership, schedule.find(group, key), status=exc.status)
    flash_at(place, done_message())
    return _back(group, key, place)


@bp.post("/meetings/<key>/roles/<int:role_id>/<int:slot>/take")
@login_required
def take(group_id: int, key: str, role_id: int, slot: int):
    """Take an open slot of a role at a meeting."""
    group, membership = load_group(group_id)
    occurrence = schedule.find(group, key)
    role = roles.role_type_in(group, role_id)
    return _act(
        group, membership, key, slot_place(role.id, slot),
        lambda: roles.take(group, membership, occurrence, role, slot, clock.now()),
        lambda: _("Thank you! The role is yours: %(role)s.", role=role.name),
    )  # fmt: skip


@bp.post("/meetings/<key>/roles/<int:role_id>/<int:slot>/assign")
@login_required
def assign(group_id: int, key: str, role_id: int, slot: int):
    """Give a slot to a member (co-responsibles)."""
    group, membership = load_group(group_id, coresponsible=True)
    occurrence = schedule.find(group, key)
    role = roles.role_type_in(group, role_id)
    member = group_service.membership_in(group, request.form.get("membership_id", type=int))
    return _act(
        group, membership, key, slot_place(role.id, slot),
        lambda: roles.assign(group, current_user, occurrence, role, slot, member, clock.now()),
        lambda: _("%(name)s now holds the role %(role)s.", name=member.user.display_name,
                  role=role.name),
    )  # fmt: skip


@bp.post("/assignments/<int:assignment_id>/release")
@login_required
def release(group_id: int, assignment_id: int):
    """Give back my own role at a meeting."""
    group, membership = load_group(group_id)
    assignment = roles.assignment_in(group, assignment_id)
    key = schedule.key_of(assignment.meeting)
    return _act(
        group, membership, key, slot_place(assignment.role_type_id, assignment.slot),
        lambda: roles.release(group, membership, assignment, clock.now()),
        lambda: _("You have given the role back. It is open again."),
    )  # fmt: skip


@bp.post("/assignments/<int:assignment_id>/unassign")
@login_required
def unassign(group_id: int, assignment_id: int):
    """Take a role away from its holder (co-responsibles)."""
    group, _membership = load_group(group_id, coresponsible=True)
    assignment = roles.assignment_in(group, assignment_id)
    key = schedule.key_of(assignment.meeting)
    place = slot_place(assignment.role_type_id, assignment.slot)
    roles.unassign(group, current_user, assignment)
    flash_at(place, _("The role is open again."))
    return _back(group, key, place)


def meeting_roles_context(group, membership, occurrence) -> dict:
    """What the meeting page shows about roles (used by the meetings blueprint)."""
    members = db.session.scalars(group_service.members_of(group)).all()
    away = roles.away_on([m.id for m in members], occurrence.start.date())
    mine = roles.opted_in(membership)
    role_slots = roles.slots_of(group, occurrence)
    holding = {a.membership_id for rs in role_slots for a in rs.holders if a}
    return {
        "role_slots": role_slots,
        "willing": mine,
        "members_for_roles": [m for m in members if m.id not in away],
        "i_am_away": membership.id in away,
        "i_hold_a_role": membership.id in holding,
        "anyone_holds_a_role": bool(holding),
        "roles_open": not occurrence.cancelled and occurrence.start_utc > clock.now(),
    }
