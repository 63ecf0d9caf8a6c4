"""Groups: creation, the group page, members, invitations, settings, audit."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from facilitator.blueprints.common import (
    announce_arrival,
    announce_departure,
    invalid_invitation,
    landing_after_joining,
    load_group,
    load_group_counted,
    page_number,
    render_form,
)
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.blueprints.forms import CharterAgreeForm, WillingForm
from facilitator.blueprints.signal_text import group_lines
from facilitator.errors import flash_error
from facilitator.i18n import use_context_language
from facilitator.models.groups import LANGUAGES
from facilitator.services import (
    audit,
    charter,
    clock,
    health_signals,
    invitations,
    listing,
    privacy,
    roles,
    rooms,
    unit,
)
from facilitator.services import groups as group_service
from facilitator.services import welcome as welcome_contacts
from facilitator.services.errors import AlreadyMember, DomainError

from . import labels
from .forms import GroupForm, InvitationForm, NewGroupForm
from .parts import group_page_parts

bp = Blueprint("groups", __name__, template_folder="templates")
bp.record_once(labels.init_app)

AUDIT_PAGE_SIZE = 50
NEW_INVITATION = "new_invitation"


def _group_data(form: GroupForm) -> group_service.GroupData:
    return group_service.GroupData(
        name=form.name.data,
        description=form.description.data or "",
        theme=form.theme.data,
        canton=form.canton.data,
        language=form.language.data,
        timezone=form.timezone.data,
        default_location=form.default_location.data or "",
        all_coresponsible=bool(form.all_coresponsible.data),
        feed_title_mode="discreet" if form.discreet_feed.data else "full",
        role_release_hours=form.role_release_hours.data,
        several_roles_per_meeting=bool(form.several_roles_per_meeting.data),
        feed_show_roles=bool(form.feed_show_roles.data),
        retention_months=form.retention_months.data,
        listed=bool(form.listed.data),
        directory_title=form.directory_title.data or "",
        town=form.town.data or "",
        accepting_newcomers=bool(form.accepting_newcomers.data),
    )


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def create():
    """Create a group with the current user as co-responsible: only what is
    needed to start, every other setting keeps its default."""
    form = NewGroupForm()
    if request.method == "GET":
        form.language.data = current_user.locale if current_user.locale in LANGUAGES else "fr"
        form.canton.data = {"it": "TI", "de": "BE"}.get(form.language.data, "VD")
    if form.validate_on_submit():
        group = group_service.create_group(
            current_user,
            group_service.GroupData.starting(
                name=form.name.data,
                language=form.language.data,
                canton=form.canton.data,
                default_location=form.default_location.data or "",
            ),
        )
        unit.commit()
        flash_at("what-next", _("The group has been created. Invite its members next."))
        return redirect_to(url_for("groups.show", group_id=group.id), "what-next")
    return render_form("groups/form.html", form, group=None)


@bp.get("/groups/<int:group_id>")
@login_required
def show(group_id: int):
    """Show a group's page to its members."""
    group, membership, member_count, charter_standing = load_group_counted(group_id)
    now = clock.now()
    today = clock.today(group.timezone)
    return render_template(
        "groups/show.html",
        group=group,
        membership=membership,
        member_count=member_count,
        parts=group_page_parts(group, membership, member_count, now),
        charter=charter_standing,
        review_due=charter_standing.review_due(today),
        pairings=welcome_contacts.mine(membership, today),
        room_due=rooms.due_for(group, membership, today),
    )


@bp.route("/groups/<int:group_id>/welcome", methods=["GET", "POST"])
@login_required
def welcome(group_id: int):
    """After joining: tick the roles I would take, add the meetings to my
    calendar, see the next meeting."""
    group, membership = load_group(group_id)
    facts = group_service.welcome(membership, clock.now())
    form = WillingForm()
    form.roles.choices = [SelectChoice(r.id, r.name) for r in facts.role_types]
    if request.method == "GET":
        form.roles.data = sorted(facts.willing)
    if form.validate_on_submit():
        roles.set_opt_ins(membership, set(form.roles.data or []))
        unit.commit()
        flash_at("willing", _("Your choice of roles has been saved."))
        return redirect_to(url_for("groups.welcome", group_id=group.id), "willing")
    return render_form(
        "groups/welcome.html",
        form,
        group=group,
        membership=membership,
        facts=facts,
        pairings=welcome_contacts.mine(membership, clock.today(group.timezone)),
    )


@bp.route("/groups/<int:group_id>/settings", methods=["GET", "POST"])
@login_required
def settings(group_id: int):
    """Change the group's settings."""
    group, membership = load_group(group_id, coresponsible=True)
    form = GroupForm(obj=group)
    asked = listing.current_request(group)  # to the group's centre, if any
    if request.method == "GET":
        form.discreet_feed.data = group.feed_title_mode == "discreet"
        form.listed.data = listing.wants_listing(group, asked)
    if form.validate_on_submit():
        data = _group_data(form)
        link = url_for("centre_requests.listings", centre_id=group.centre_id or 0, _external=True)
        data.listed = listing.settle(group, current_user, data.listed, clock.now(), link)
        group_service.update_group(group, current_user, data)
        unit.commit()
        flash(_("The settings have been saved."), "success")
        if form.listed.data and not group.listed and group.centre is not None:
            flash(_("%(centre)s checks the listing first.", centre=group.centre.name), "info")
        return redirect(url_for("groups.show", group_id=group.id))
    health = health_signals.of_group(group, clock.now())
    return render_form(
        "groups/form.html",
        form,
        group=group,
        membership=membership,
        listing_request=asked,
        health=health,
        health_lines=group_lines(health),
    )


def _members_page(group, membership, status=200):
    memberships = group_service.members_of(group)
    return render_template(
        "groups/members.html", group=group, membership=membership, memberships=memberships
    ), status


@bp.get("/groups/<int:group_id>/members")
@login_required
def members(group_id: int):
    """List the group's members and who is co-responsible."""
    return _members_page(*load_group(group_id))


def _member_action(group_id: int, member_id: int, action, done_message: str):
    group, membership = load_group(group_id, coresponsible=True)
    member = group_service.membership_in(group, member_id)
    try:
        action(group, current_user, member)
    except DomainError as exc:
        flash_error(exc)
        return _members_page(group, membership, exc.status)
    unit.commit()
    flash(done_message, "success")
    return redirect(url_for("groups.members", group_id=group.id))


@bp.post("/groups/<int:group_id>/members/<int:member_id>/grant")
@login_required
def grant(group_id: int, member_id: int):
    """Make a member co-responsible."""
    return _member_action(
        group_id,
        member_id,
        group_service.grant_coresponsibility,
        _("Co-responsibility has been granted."),
    )


@bp.post("/groups/<int:group_id>/members/<int:member_id>/withdraw")
@login_required
def withdraw(group_id: int, member_id: int):
    """Withdraw a member's co-responsibility."""
    return _member_action(
        group_id,
        member_id,
        group_service.withdraw_coresponsibility,
        _("Co-responsibility has been withdrawn."),
    )


@bp.route("/groups/<int:group_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@login_required
def remove(group_id: int, member_id: int):
    """Confirm, then remove a member from the group."""
    group, membership = load_group(group_id, coresponsible=True)
    member = group_service.membership_in(group, member_id)
    if request.method == "GET":
        return render_template(
            "groups/confirm_remove.html", group=group, membership=membership, member=member
        )
    return _member_action(
        group_id,
        member_id,
        group_service.remove_member,
        _("%(name)s is no longer a member of the group.", name=member.user.display_name),
    )


@bp.route("/groups/<int:group_id>/leave", methods=["GET", "POST"])
@login_required
def leave(group_id: int):
    """Confirm, then leave the group."""
    group, membership = load_group(group_id)
    if request.method == "GET":
        return render_template("groups/confirm_leave.html", group=group, membership=membership)
    try:
        reopened = group_service.leave_group(group, membership)
    except DomainError as exc:
        flash_error(exc)
        return render_template(
            "groups/confirm_leave.html", group=group, membership=membership
        ), exc.status
    announce_departure(group, current_user.display_name, reopened)
    unit.commit()
    flash(_("You have left the group %(name)s.", name=group.name), "success")
    return redirect(url_for("main.index"))


@bp.route("/groups/<int:group_id>/invitations", methods=["GET", "POST"])
@login_required
def invitations_page(group_id: int):
    """List open invitation links and create a new one."""
    group, membership = load_group(group_id, coresponsible=True)
    form = InvitationForm()
    if form.validate_on_submit():
        _invitation, token = invitations.create_invitation(
            group, current_user, form.days.data, form.max_uses.data
        )
        unit.commit()
        # Shown once, on the page the redirect leads to: reloading it neither
        # shows the link again nor creates another one.
        session[NEW_INVITATION] = {"group_id": group.id, "token": token}
        return redirect_to(url_for("groups.invitations_page", group_id=group.id), "new-link-title")
    new_link = None
    # the token leaves the (signed, not secret) session cookie at the next page shown
    created = session.pop(NEW_INVITATION, None) if request.method == "GET" else None
    if created and created["group_id"] == group.id:
        new_link = url_for("groups.invitation", token=created["token"], _external=True)
    open_ones = invitations.open_invitations(group)
    return render_form(
        "groups/invitations.html",
        form,
        group=group,
        membership=membership,
        open_invitations=open_ones,
        new_link=new_link,
    )


@bp.post("/groups/<int:group_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(group_id: int, invitation_id: int):
    """Revoke an invitation link."""
    group, _membership = load_group(group_id, coresponsible=True)
    invitations.revoke(group, current_user, invitation_id)
    unit.commit()
    flash(_("The invitation link has been revoked. It no longer works."), "success")
    return redirect(url_for("groups.invitations_page", group_id=group.id))


@bp.get("/groups/<int:group_id>/audit")
@login_required
def audit_trail(group_id: int):
    """Show the group's audit trail to co-responsibles."""
    group, membership = load_group(group_id, coresponsible=True)
    page = audit.events_page(group.id, page_number(), AUDIT_PAGE_SIZE)
    return render_template("groups/audit.html", group=group, membership=membership, page=page)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Show an invitation with the group's charter, and let a logged-in user
    agree to the charter and join the group."""
    try:
        invite = invitations.find(token)
    except DomainError as exc:
        return invalid_invitation(exc)
    group = invite.group
    use_context_language(group.language)
    rules = charter.current_version(group)
    form = CharterAgreeForm()
    status = 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        if rules is None or form.validate_on_submit():
            try:
                membership = invitations.accept(token, current_user)
                charter.acknowledge(membership, form.shown)
            except AlreadyMember:
                unit.rollback()
                return redirect(url_for("groups.show", group_id=group.id))
            except charter.CharterChanged as exc:
                unit.rollback()
                form.agree.errors = [str(exc.message)]
                form.agree.data = False
                status = exc.status
            except DomainError as exc:
                return invalid_invitation(exc)
            else:
                announce_arrival(membership)
                unit.commit()
                if invite.handover:
                    flash(
                        _(
                            "You have taken over %(name)s: you are its co-responsible member.",
                            name=group.name,
                        ),
                        "success",
                    )
                else:
                    flash(_("Welcome to %(name)s!", name=group.name), "success")
                return redirect(landing_after_joining(membership))
        else:
            status = 400
    if rules is not None:
        form.version.data = str(rules.number)
    return render_template(
        "groups/invitation.html",
        group=group,
        token=token,
        preview=invitations.preview(group, clock.now()),
        rules=rules,
        form=form,
        handover=invite.handover,
    ), status


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
@login_required
def delete(group_id: int):
    """Delete the group and everything of it, after typing its name."""
    group, membership = load_group(group_id, coresponsible=True)
    if request.method == "POST":
        if request.form.get("name", "").strip() != group.name:
            flash(_("Type the group's name exactly as shown to confirm."), "error")
            return render_template(
                "groups/confirm_delete.html", group=group, membership=membership
            ), 400
        name = group.name
        privacy.delete_group(group)
        unit.commit()
        flash(_("The group %(name)s and everything of it have been deleted.", name=name), "success")
        return redirect(url_for("main.index"))
    return render_template("groups/confirm_delete.html", group=group, membership=membership)
