"""Themes: members propose what they would like to talk about, support the
proposals (a count, never names), and the evening's people pick one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.blueprints.common import load_group
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.errors import flash_error
from facilitator.formatting import when_text
from facilitator.services import clock, meeting_shape, schedule, themes, unit
from facilitator.services.errors import DomainError, NotFound

from .forms import PickForm, ProposeForm

bp = Blueprint("themes", __name__, template_folder="templates", url_prefix="/groups/<int:group_id>")


def _proposal(group_id: int, proposal_id: int, coresponsible: bool = False):
    group, membership = load_group(group_id, coresponsible=coresponsible)
    return group, membership, themes.proposal_in(group, proposal_id)


def _index(group, membership, form=None, duplicate=None, status=200):
    """The themes' page (after a refused proposal, with the form as sent)."""
    now = clock.now()
    return render_template(
        "themes/index.html",
        group=group,
        membership=membership,
        board=themes.board(group, membership, current_user, now),
        may_pick=bool(themes.meetings_to_pick(group, membership, now)),
        form=form or ProposeForm(formdata=None),
        duplicate=duplicate,
    ), status


def _index_url(group) -> str:
    return url_for("themes.index", group_id=group.id)


@bp.get("/themes")
@login_required
def index(group_id: int):
    """List the proposed themes, most supported first, and a short history."""
    group, membership = load_group(group_id)
    return _index(group, membership)


@bp.post("/themes")
@login_required
def propose(group_id: int):
    """Propose a theme."""
    group, membership = load_group(group_id)
    form = ProposeForm()
    if not form.validate():
        unit.rollback()
        return _index(group, membership, form, status=400)
    try:
        proposal = themes.propose(group, membership, form.text.data or "", clock.now())
    except themes.Duplicate as exc:
        unit.rollback()
        form.text.errors = [*form.text.errors, str(exc.message)]
        return _index(group, membership, form, duplicate=exc.proposal.id, status=exc.status)
    except DomainError as exc:
        unit.rollback()
        form.text.errors = [*form.text.errors, str(exc.message)]
        return _index(group, membership, form, status=exc.status)
    unit.commit()
    place = f"theme-{proposal.id}"
    flash_at(place, _("Your theme has been proposed. Your name is not shown with it."))
    return redirect_to(_index_url(group), place)


@bp.post("/themes/<int:proposal_id>/support")
@login_required
def support(group_id: int, proposal_id: int):
    """Support a proposed theme, or withdraw my support."""
    group, _membership, proposal = _proposal(group_id, proposal_id)
    on = request.form.get("support") != "0"
    place = f"theme-{proposal.id}"
    try:
        themes.support(proposal, current_user, on)
    except DomainError as exc:
        flash_error(exc, place)
        return redirect_to(_index_url(group), place)
    unit.commit()
    flash_at(
        place,
        _("Your support has been counted. Nobody sees who supports what.")
        if on
        else _("Your support has been withdrawn."),
    )
    return redirect_to(_index_url(group), place)


@bp.route("/themes/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(group_id: int, proposal_id: int):
    """Withdraw my own proposal, once confirmed."""
    group, membership, proposal = _proposal(group_id, proposal_id)
    if proposal.proposed_by_id != membership.id:
        raise themes.NotYourProposal()
    if request.method == "POST" and request.form.get("confirm") == "1":
        try:
            themes.withdraw(membership, proposal)
        except DomainError as exc:
            flash_error(exc)
            return redirect(_index_url(group))
        unit.commit()
        flash_at("propose", _("Your proposal has been withdrawn."))
        return redirect_to(_index_url(group), "propose")
    return render_template(
        "themes/withdraw.html", group=group, membership=membership, proposal=proposal
    )


@bp.route("/themes/<int:proposal_id>/set-aside", methods=["GET", "POST"])
@login_required
def set_aside(group_id: int, proposal_id: int):
    """Set a proposed theme aside, once confirmed (co-responsible members)."""
    group, membership, proposal = _proposal(group_id, proposal_id, coresponsible=True)
    if request.method == "POST" and request.form.get("confirm") == "1":
        try:
            themes.set_aside(group, current_user, proposal)
        except DomainError as exc:
            flash_error(exc)
            return redirect(_index_url(group))
        unit.commit()
        flash(_("The theme has been set aside. A member may propose it again later."), "success")
        return redirect(_index_url(group))
    if not themes.is_open(proposal):
        flash_error(themes.NotOpen())
        return redirect(_index_url(group))
    return render_template(
        "themes/set_aside.html", group=group, membership=membership, proposal=proposal
    )


@bp.route("/themes/<int:proposal_id>/pick", methods=["GET", "POST"])
@login_required
def pick(group_id: int, proposal_id: int):
    """Make a proposed theme the theme of a coming meeting (co-responsible
    members, and the role holders of that meeting)."""
    group, membership, proposal = _proposal(group_id, proposal_id)
    now = clock.now()
    coming = themes.meetings_to_pick(group, membership, now)
    if not coming and request.method == "GET":
        raise meeting_shape.NotYours()
    form = PickForm()
    form.meeting.choices = [(o.key, when_text(o.start)) for o in coming]
    if request.method == "GET":
        form.meeting.data = request.args.get("meeting") or (coming[0].key if coming else None)
    context = {"group": group, "membership": membership, "proposal": proposal}
    if request.method == "GET" and not themes.is_open(proposal):
        flash_error(themes.NotOpen())
        return redirect(_index_url(group))
    if not form.validate_on_submit():
        return render_template("themes/pick.html", form=form, **context), (
            400 if form.errors else 200
        )
    try:
        occurrence = schedule.find(group, form.meeting.data or "")
        themes.pick(group, membership, proposal, occurrence, now)
    except NotFound:
        unit.rollback()
        form.meeting.errors = [_("Choose one of the options in the list.")]
        return render_template("themes/pick.html", form=form, **context), 400
    except DomainError as exc:
        unit.rollback()
        form.meeting.errors = [str(exc.message)]
        return render_template("themes/pick.html", form=form, **context), exc.status
    unit.commit()
    flash(
        _(
            "“%(theme)s” is the theme of the meeting of %(when)s.",
            theme=proposal.text,
            when=when_text(occurrence.start),
        ),
        "success",
    )
    return redirect(url_for("meetings.show", group_id=group.id, key=occurrence.key))
