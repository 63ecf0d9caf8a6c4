"""Roles: role types, willingness, absences, and slots on a meeting's page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from facilitator.blueprints.common import load_group, render_form
from facilitator.blueprints.feedback import flash_at, flash_report, redirect_to
from facilitator.blueprints.forms import WillingForm
from facilitator.blueprints.meeting_page import show_page
from facilitator.domain import guide
from facilitator.errors import flash_error
from facilitator.services import clock, role_mail, roles, schedule, unit
from facilitator.services import groups as group_service
from facilitator.services.errors import DomainError, NotFound

from .forms import AwayForm, RoleTypeForm

bp = Blueprint("roles", __name__, template_folder="templates", url_prefix="/groups/<int:group_id>")
bp.add_app_template_filter(guide.sections, "guide_sections")


@bp.route("/roles", methods=["GET", "POST"])
@login_required
def index(group_id: int):
    """Show the group's roles and let me say which ones I am willing to take."""
    group, membership = load_group(group_id)
    role_list = roles.roles_of(group, include_retired=True)
    form = WillingForm()
    form.roles.choices = [SelectChoice(r.id, r.name) for r in role_list if r.active]
    if request.method == "GET":
        form.roles.data = sorted(roles.opted_in(membership))
    swaps = roles.pending_swaps(membership)
    if form.validate_on_submit():
        roles.set_opt_ins(membership, set(form.roles.data or []))
        unit.commit()
        flash(_("Your choice of roles has been saved."), "success")
        return redirect(url_for("roles.index", group_id=group.id))
    return render_form(
        "roles/index.html",
        form,
        group=group,
        membership=membership,
        role_list=role_list,
        swaps=swaps,
    )


def _role_data(form: RoleTypeForm) -> roles.RoleData:
    return roles.RoleData(
        form.name.data, form.description.data or "", form.slots.data, form.guide.data or ""
    )


@bp.route("/roles/new", methods=["GET", "POST"])
@login_required
def new(group_id: int):
    """Add a role type."""
    group, membership = load_group(group_id, coresponsible=True)
    form = RoleTypeForm()
    if form.validate_on_submit():
        roles.add_role_type(group, current_user, _role_data(form))
        unit.commit()
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
        unit.commit()
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
    unit.commit()
    return redirect(url_for("roles.index", group_id=group.id))


FILL_DEFAULT, FILL_MAX = 8, 26


@bp.get("/roles/fairness")
@login_required
def fairness(group_id: int):
    """Show how the roles were shared over the last twelve months."""
    group, membership = load_group(group_id)
    role_list = roles.roles_of(group)
    return render_template(
        "roles/fairness.html",
        group=group,
        membership=membership,
        role_list=role_list,
        rows=roles.fairness(group, clock.now()),
    )


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
        "roles/fill.html",
        group=group,
        membership=membership,
        proposal=proposal,
        count=count,
        max_count=FILL_MAX,
    )


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
    given, skipped = roles.apply_autofill(group, current_user, picks, clock.now())
    role_mail.notify_given(group, given, current_user, _meeting_link(group))
    report = unit.commit()
    flash(
        ngettext("%(num)d role has been given.", "%(num)d roles have been given.", len(given)),
        "success",
    )
    if skipped:
        flash(
            ngettext(
                "%(num)d choice could not be applied (taken meanwhile, or the person is away).",
                "%(num)d choices could not be applied (taken meanwhile, or the person is away).",
                skipped,
            ),
            "warning",
        )
    flash_report(report)
    count = request.form.get("count", FILL_DEFAULT, type=int) or FILL_DEFAULT
    return redirect(url_for("roles.filled", group_id=group.id, count=min(max(count, 1), FILL_MAX)))


@bp.get("/roles/filled")
@login_required
def filled(group_id: int):
    """The next meetings after a fair fill: who holds what, and why a role is
    still open."""
    group, membership = load_group(group_id, coresponsible=True)
    count = request.args.get("count", FILL_DEFAULT, type=int) or FILL_DEFAULT
    count = min(max(count, 1), FILL_MAX)
    return render_template(
        "roles/filled.html",
        group=group,
        membership=membership,
        view=roles.filled(group, count, clock.now()),
        count=count,
    )


def _meeting_link(group):
    return lambda key: url_for("meetings.show", group_id=group.id, key=key, _external=True)


def _swap_page(group, membership, assignment, status=200):
    members, theirs = roles.swap_options(group, membership, assignment, clock.now())
    return render_template(
        "roles/swap.html",
        group=group,
        membership=membership,
        assignment=assignment,
        members=members,
        theirs=theirs,
        key=schedule.key_of(assignment.meeting),
    ), status


@bp.route("/assignments/<int:assignment_id>/swap", methods=["GET", "POST"])
@login_required
def swap(group_id: int, assignment_id: int):
    """Offer my role to another member: hand it over (one form), or swap it
    for one of their roles at another meeting (the other form)."""
    group, membership = load_group(group_id)
    assignment = roles.assignment_in(group, assignment_id)
    if assignment.membership_id != membership.id:
        raise NotFound()
    if request.method == "GET":
        return _swap_page(group, membership, assignment)
    swap_with = "role" in request.form
    place = "swap-with" if swap_with else "hand-over"
    value = request.form.get("role" if swap_with else "member", "")
    if not value.isdecimal():
        flash_at(place, _("Choose one of the options in the list."), "error")
        return _swap_page(group, membership, assignment, 400)
    try:
        if swap_with:
            other = roles.assignment_in(group, int(value))
            target = other.membership
            if target is None:
                raise NotFound()
        else:
            target, other = group_service.membership_in(group, int(value)), None
        request_ = roles.propose_swap(group, membership, assignment, target, other, clock.now())
    except roles.AlreadyAsked as exc:  # the same request again (a double tap): no second email
        flash_at("swaps", str(exc.message))
        return redirect_to(url_for("roles.index", group_id=group.id), "swaps")
    except DomainError as exc:
        flash_error(exc, place)
        return _swap_page(group, membership, assignment, exc.status)
    link = url_for("roles.swap_show", group_id=group.id, swap_id=request_.id, _external=True)
    role_mail.notify_swap_request(group, roles.swap_note(request_), link)
    unit.commit()
    flash_at(
        "swaps",
        _(
            "Your request has been sent to %(name)s. It takes effect when they accept.",
            name=target.user.display_name,
        ),
    )
    return redirect_to(url_for("roles.index", group_id=group.id), "swaps")


@bp.get("/swaps/<int:swap_id>")
@login_required
def swap_show(group_id: int, swap_id: int):
    """One request, where the member asked accepts or declines it (the link of
    the email), and the member who asked can withdraw it."""
    group, membership = load_group(group_id)
    request_ = roles.swap_in(membership, swap_id)
    return render_template("roles/swap_show.html", group=group, membership=membership, sw=request_)


@bp.post("/swaps/<int:swap_id>/<any(accept, cancel):action>")
@login_required
def swap_answer(group_id: int, swap_id: int, action: str):
    """Accept a request made to me, or withdraw/decline one (either side); the
    member who asked hears of the answer by email."""
    group, membership = load_group(group_id)
    request_ = roles.swap_in(membership, swap_id)
    note = roles.swap_note(request_)
    answered = request_.to_membership_id == membership.id
    try:
        if action == "accept":
            roles.accept_swap(group, membership, request_, clock.now())
        else:
            roles.cancel_swap(membership, request_)
    except roles.SwapInvalid as exc:  # the stale request is removed all the same
        unit.commit()
        flash_error(exc, "swaps")
        return redirect_to(url_for("roles.index", group_id=group.id), "swaps")
    except DomainError as exc:
        flash_error(exc, "swaps")
        return redirect_to(url_for("roles.index", group_id=group.id), "swaps")
    if answered:
        link = url_for("meetings.show", group_id=group.id, key=note.key, _external=True)
        role_mail.notify_swap_answer(group, note, action == "accept", link)
    told = bool(unit.commit().people)
    if action == "accept":
        flash_at("swaps", _("Done: the roles have changed hands."))
    elif told:
        flash_at(
            "swaps",
            _("You have declined. %(name)s is being told by email.", name=note.asker.display_name),
        )
    elif answered:
        flash_at("swaps", _("You have declined."))
    else:
        flash_at("swaps", _("The request has been withdrawn."))
    return redirect_to(url_for("roles.index", group_id=group.id), "swaps")


@bp.route("/away", methods=["GET", "POST"])
@login_required
def away(group_id: int):
    """List and add the periods when I am away."""
    group, membership = load_group(group_id)
    form = AwayForm()
    if form.validate_on_submit():
        first, last = form.first.data, form.last.data
        roles.add_unavailability(membership, first, last, form.note.data or "")
        unit.commit()
        held = [
            r
            for r in roles.roles_while_away(membership, clock.now())
            if first <= r.assignment.meeting.start.date() <= last
        ]
        if not held:
            flash_at(
                "absences",
                _("Your absence has been saved. Nobody can give you a role on those dates."),
            )
            return redirect_to(url_for("roles.away", group_id=group.id), "absences")
        flash_at(
            "roles-while-away",
            ngettext(
                "Your absence has been saved. You hold a role on one of those dates: give it back "
                "or hand it over, so that the meeting has someone.",
                "Your absence has been saved. You hold %(num)d roles on those dates: give them "
                "back or hand them over, so that the meeting has someone.",
                len(held),
            ),
            "warning",
        )
        return redirect_to(url_for("roles.away", group_id=group.id), "roles-while-away")
    items = roles.unavailabilities(membership, clock.today(group.timezone))
    return render_form(
        "roles/away.html",
        form,
        group=group,
        membership=membership,
        items=items,
        while_away=roles.roles_while_away(membership, clock.now()),
    )


@bp.post("/away/<int:item_id>/delete")
@login_required
def away_delete(group_id: int, item_id: int):
    """Remove one of my absences."""
    group, membership = load_group(group_id)
    roles.remove_unavailability(membership, item_id)
    unit.commit()
    flash_at("absences", _("The absence has been removed."))
    return redirect_to(url_for("roles.away", group_id=group.id), "absences")


def slot_place(role_id: int, slot: int) -> str:
    """The id of a role's slot on the meeting page, where its feedback shows."""
    return f"slot-{role_id}-{slot}"


def _back(group, key, place):
    return redirect_to(url_for("meetings.show", group_id=group.id, key=key), place)


def _act(group, membership, key, place, action, done_message):
    """Run a role action; say how it went beside the slot (``done_message`` is
    given what the action returned), or why it was refused."""
    try:
        result = action()
    except DomainError as exc:
        flash_error(exc, place)
        return show_page(group, membership, schedule.find(group, key), status=exc.status)
    unit.commit()
    flash_at(place, done_message(result))
    return _back(group, key, place)


def _taken_message(role, newly_willing: bool) -> str:
    message = _("Thank you! The role is yours: %(role)s.", role=role.name)
    if newly_willing:
        message += " " + _(
            "You will now also be proposed for %(role)s by the fair fill; you "
            "can change this under Roles.",
            role=role.name,
        )
    return message


@bp.post("/meetings/<key>/roles/<int:role_id>/<int:slot>/take")
@login_required
def take(group_id: int, key: str, role_id: int, slot: int):
    """Take an open slot of a role at a meeting."""
    group, membership = load_group(group_id)
    occurrence = schedule.find(group, key)
    role = roles.role_type_in(group, role_id)
    return _act(
        group,
        membership,
        key,
        slot_place(role.id, slot),
        lambda: roles.take(group, membership, occurrence, role, slot, clock.now()),
        lambda newly_willing: _taken_message(role, newly_willing),
    )


@bp.post("/meetings/<key>/roles/<int:role_id>/<int:slot>/assign")
@login_required
def assign(group_id: int, key: str, role_id: int, slot: int):
    """Give a slot to a member (co-responsibles)."""
    group, membership = load_group(group_id, coresponsible=True)
    occurrence = schedule.find(group, key)
    role = roles.role_type_in(group, role_id)
    member = group_service.membership_in(group, request.form.get("membership_id", type=int))
    place = slot_place(role.id, slot)
    try:
        given, previous = roles.assign(
            group, current_user, occurrence, role, slot, member, clock.now()
        )
    except DomainError as exc:
        flash_error(exc, place)
        return show_page(group, membership, schedule.find(group, key), status=exc.status)
    flash_at(
        place,
        _("%(name)s now holds the role %(role)s.", name=member.user.display_name, role=role.name),
    )
    link = _meeting_link(group)(key)
    role_mail.notify_given(group, [given], current_user, _meeting_link(group))
    if previous is not None:
        role_mail.notify_removed(
            group, previous.user, role.name, occurrence.start, current_user, link
        )
    flash_report(unit.commit(), place)
    return _back(group, key, place)


@bp.post("/assignments/<int:assignment_id>/release")
@login_required
def release(group_id: int, assignment_id: int):
    """Give back my own role at a meeting."""
    group, membership = load_group(group_id)
    assignment = roles.assignment_in(group, assignment_id)
    key = schedule.key_of(assignment.meeting)
    if request.form.get("back") == "away":  # from the list of roles while away
        try:
            roles.release(group, membership, assignment, clock.now())
            unit.commit()
            flash_at("roles-while-away", _("You have given the role back. It is open again."))
        except DomainError as exc:
            flash_error(exc, "roles-while-away")
        return redirect_to(url_for("roles.away", group_id=group.id), "roles-while-away")
    return _act(
        group,
        membership,
        key,
        slot_place(assignment.role_type_id, assignment.slot),
        lambda: roles.release(group, membership, assignment, clock.now()),
        lambda _result: _("You have given the role back. It is open again."),
    )


@bp.route("/assignments/<int:assignment_id>/unassign", methods=["GET", "POST"])
@login_required
def unassign(group_id: int, assignment_id: int):
    """Take a role away from its holder (co-responsibles): a page says who,
    which role and meeting, and that they will be told; then it acts."""
    group, membership = load_group(group_id, coresponsible=True)
    assignment = roles.assignment_in(group, assignment_id)
    key = schedule.key_of(assignment.meeting)
    place = slot_place(assignment.role_type_id, assignment.slot)
    holder = assignment.membership.user if assignment.membership else None

    def confirm(status=200):
        return render_template(
            "roles/unassign.html",
            group=group,
            membership=membership,
            assignment=assignment,
            holder=holder,
            key=key,
            place=place,
            told=holder is not None and holder.id != current_user.id,
        ), status

    if request.method == "GET":
        return confirm()
    # The holder seen on the confirmation page (empty: a former member's slot).
    seen = request.form.get("holder", "")
    role, start = assignment.role_type.name, assignment.meeting.start
    try:
        roles.unassign(group, current_user, assignment, int(seen) if seen.isdecimal() else None)
    except DomainError as exc:  # the holder changed meanwhile: show who holds it now
        flash_error(exc, "unassign")
        return confirm(exc.status)
    if holder is not None:
        role_mail.notify_removed(
            group, holder, role, start, current_user, _meeting_link(group)(key)
        )
    report = unit.commit()
    flash_at(place, _("The role is open again."))
    flash_report(report, place)
    return _back(group, key, place)
