"""Welcoming newcomers: who is willing to be a welcome contact, the newcomers
without one (co-responsible members name one, willing members offer), and the
conversation of a newcomer and their contact, which only the two of them read."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from facilitator.blueprints.common import load_group
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.models import Group, Membership
from facilitator.services import clock, unit, welcome
from facilitator.services.errors import DomainError

from .forms import EndForm, MessageForm, PairForm, WillingForm

bp = Blueprint("welcome", __name__, template_folder="templates")


def _index(group: Group, membership: Membership, *, errors=None, status=200):
    now = clock.now()
    today = clock.today(group.timezone)
    may_pair = membership.is_coresponsible or membership.welcome_willing
    willing = WillingForm(formdata=None)
    willing.willing_to_welcome.data = membership.welcome_willing
    mine = welcome.every_pairing_of(membership, today)
    return render_template(
        "welcome/index.html",
        group=group,
        membership=membership,
        willing=willing,
        mine=mine,
        firsts={v.id: welcome.first_meeting(v.pairing.newcomer) for v in mine if not v.as_newcomer},
        newcomers=welcome.newcomers_without_contact(group, now) if may_pair else [],
        choices=welcome.contact_choices(group, membership),
        running=welcome.running_in(group, today) if membership.is_coresponsible else [],
        errors=errors or {},
        today=today,
    ), status


@bp.get("/groups/<int:group_id>/welcoming")
@login_required
def index(group_id: int):
    """Show my welcome pairings, whether I am willing to be a welcome contact,
    and the newcomers who have none yet."""
    return _index(*load_group(group_id))


@bp.post("/groups/<int:group_id>/welcoming/willing")
@login_required
def willing(group_id: int):
    """Say whether I am willing to be a welcome contact."""
    group, membership = load_group(group_id)
    form = WillingForm()
    if not form.validate_on_submit():
        return _index(group, membership, status=400)
    welcome.set_willing(membership, bool(form.willing_to_welcome.data))
    unit.commit()
    message = (
        _("Thank you: you can now be a welcome contact for newcomers.")
        if form.willing_to_welcome.data
        else _("You will not be asked to be a welcome contact.")
    )
    flash_at("willing", message)
    return redirect_to(url_for("welcome.index", group_id=group.id), "willing")


@bp.post("/groups/<int:group_id>/welcoming/newcomers/<int:newcomer_id>")
@login_required
def pair(group_id: int, newcomer_id: int):
    """Give a newcomer a welcome contact (co-responsible members), or offer
    to be theirs (willing members)."""
    group, membership = load_group(group_id)
    if not (membership.is_coresponsible or membership.welcome_willing):
        raise welcome.NotAContact()
    form = PairForm()
    if not form.validate_on_submit():
        return _index(group, membership, status=400)
    try:
        pairing = welcome.pair(
            group,
            membership,
            newcomer_id,
            form.contact_id,
            clock.now(),
            lambda p: url_for("welcome.thread", group_id=group.id, pairing_id=p.id, _external=True),
        )
    except DomainError as exc:
        unit.rollback()
        if exc.status == 404:
            raise
        return _index(group, membership, errors={newcomer_id: str(exc.message)}, status=exc.status)
    newcomer, contact = pairing.newcomer.user.display_name, pairing.contact.user.display_name
    unit.commit()
    if pairing.contact_id == membership.id:
        message = _("You are now the welcome contact of %(name)s.", name=newcomer)
    else:
        message = _(
            "%(contact)s is now the welcome contact of %(name)s and is told by email.",
            contact=contact,
            name=newcomer,
        )
    flash_at("pairings", message)
    return redirect_to(url_for("welcome.index", group_id=group.id), "pairings")


def _thread(group, membership, view, form=None, status=200):
    return render_template(
        "welcome/thread.html",
        group=group,
        membership=membership,
        view=view,
        messages=welcome.messages(view.pairing),
        first=None if view.as_newcomer else welcome.first_meeting(view.pairing.newcomer),
        delete_on=welcome.delete_on(view.pairing),
        form=form or MessageForm(formdata=None),
    ), status


@bp.route("/groups/<int:group_id>/welcoming/<int:pairing_id>", methods=["GET", "POST"])
@login_required
def thread(group_id: int, pairing_id: int):
    """Read the conversation with my newcomer or my welcome contact, and write."""
    group, membership = load_group(group_id)
    view = welcome.pairing_of(group, membership, pairing_id)
    form = MessageForm()
    if form.validate_on_submit():
        link = url_for("welcome.thread", group_id=group.id, pairing_id=view.id, _external=True)
        try:
            welcome.write(group, view, form.body.data, clock.now(), link)
        except DomainError as exc:
            unit.rollback()  # nothing saved; the text stays in the field
            form.body.errors = [*form.body.errors, str(exc.message)]
            view = welcome.pairing_of(group, membership, pairing_id)
            return _thread(group, membership, view, form, status=exc.status)
        unit.commit()
        flash_at("write", _("Your message has been sent."))
        return redirect_to(
            url_for("welcome.thread", group_id=group.id, pairing_id=view.id), "write"
        )
    if form.errors:
        return _thread(group, membership, view, form, status=400)
    page = _thread(group, membership, view, form)
    welcome.mark_seen(view, clock.now())  # after rendering: what was new is still marked so
    unit.commit()
    return page


@bp.route("/groups/<int:group_id>/welcoming/<int:pairing_id>/end", methods=["GET", "POST"])
@login_required
def end(group_id: int, pairing_id: int):
    """Confirm, then end my welcome pairing (the other person sees it in the app)."""
    group, membership = load_group(group_id)
    view = welcome.pairing_of(group, membership, pairing_id)
    form = EndForm()
    if form.validate_on_submit():
        welcome.end(view, clock.now())
        unit.commit()
        flash_at("pairings", _("The welcome pairing with %(name)s has ended.", name=view.other))
        return redirect_to(url_for("welcome.index", group_id=group.id), "pairings")
    return render_template(
        "welcome/end.html",
        group=group,
        membership=membership,
        view=view,
        form=form,
        keep_days=welcome.KEEP_DAYS,
    )
