"""A centre's staff pages for what comes through the centre: visitors'
requests (answer, forward to a group with consent, close) and groups' requests
to be listed in the public directory (check, approve, send back).

Every page checks access first with ``load_centre``: 404 for anyone not on
this centre's staff. Staff never see inside a group: only its public facts.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField

from facilitator.blueprints.common import field_error, load_centre
from facilitator.blueprints.feedback import flash_at, flash_report, redirect_to
from facilitator.blueprints.forms import CheckboxesField, max_length, required, strip
from facilitator.models.referrals import (
    ANSWER_MAX,
    LISTING_CRITERIA,
    REASON_MAX,
    REFERRAL_STATUSES,
)
from facilitator.services import clock, directory, listing, referrals, retention, unit
from facilitator.services.errors import DomainError

bp = Blueprint(
    "centre_requests",
    __name__,
    template_folder="templates",
    url_prefix="/centres/<int:centre_id>",
)

CRITERIA_LABELS = {
    "self_led": _l("Self-led: the members run the group themselves, without a professional leader"),
    "regular": _l("Regular meetings"),
    "confidential": _l("Confidentiality: what is said in the group stays in the group"),
    "non_profit": _l("Non-profit: no commercial or sectarian aim"),
}
STATUS_LABELS = {
    "new": _l("New"),
    "answered": _l("Answered"),
    "forwarded": _l("Passed on to a group"),
    "closed": _l("Closed"),
}


class AnswerForm(FlaskForm):
    text = TextAreaField(
        _l("Your answer"),
        validators=[required(), max_length(ANSWER_MAX)],
        filters=[strip],
        description=_l(
            "Sent by email from the app. The visitor's reply goes to the centre's contact address."
        ),
    )
    own_address = BooleanField(_l("Let the reply come to my own address instead"))


class ForwardForm(FlaskForm):
    group = HiddenField()


class ReviewForm(FlaskForm):
    criteria = CheckboxesField(
        _l("The group meets the listing criteria"),
        choices=lambda: [(key, str(CRITERIA_LABELS[key])) for key in LISTING_CRITERIA],
        validate_choice=False,
    )


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the request is sent back"),
        validators=[required(), max_length(REASON_MAX)],
        filters=[strip],
        description=_l(
            "The group's co-responsible members read it on their settings page. Say what "
            "is missing and how to ask again."
        ),
    )


@bp.get("/requests")
@login_required
def index(centre_id: int):
    """List the visitors' requests to the centre, newest first."""
    centre = load_centre(centre_id)
    status = request.args.get("status")
    status = status if status in REFERRAL_STATUSES else None
    return render_template(
        "centre_requests/index.html",
        centre=centre,
        items=referrals.requests_of(centre, status),
        counts=referrals.counts_of(centre),
        chosen=status,
        statuses=REFERRAL_STATUSES,
        labels=STATUS_LABELS,
        kept_days=retention.REFERRAL_DAYS,
        listings_waiting=len(listing.pending(centre)),
    )


def _show(centre, referral, answer_form=None, status=200, forward_error=None):
    answer_form = answer_form or AnswerForm(prefix="answer")
    return render_template(
        "centre_requests/show.html",
        centre=centre,
        item=referral,
        answer_form=answer_form,
        email=referrals.email_of(referral.sender_contact),
        groups=referrals.attached_groups(centre),
        forwarded_to=referrals.forwarded_to(centre, referral),
        forward_error=forward_error,
        labels=STATUS_LABELS,
        public_name=directory.public_name,
    ), status


@bp.get("/requests/<int:referral_id>")
@login_required
def show(centre_id: int, referral_id: int):
    """Show one request, with the answer and forward forms."""
    centre = load_centre(centre_id)
    return _show(centre, referrals.referral_in(centre, referral_id))


@bp.post("/requests/<int:referral_id>/answer")
@login_required
def answer(centre_id: int, referral_id: int):
    """Answer the visitor by email from the app."""
    centre = load_centre(centre_id)
    referral = referrals.referral_in(centre, referral_id)
    form = AnswerForm(prefix="answer")
    if not form.validate_on_submit():
        return _show(centre, referral, form, 400)
    try:
        referrals.answer(
            centre, referral, current_user, form.text.data, bool(form.own_address.data), clock.now()
        )
    except DomainError as exc:
        unit.rollback()
        field = getattr(form, exc.field or "", None)
        if field is not None:
            field.errors = [*field.errors, str(exc.message)]
        return _show(centre, referral, form, exc.status)
    report = unit.commit()
    flash_at("answer", _("Your answer has been sent to the visitor."))
    flash_report(report, "answer")
    return redirect_to(url_for(".show", centre_id=centre.id, referral_id=referral.id), "answer")


@bp.post("/requests/<int:referral_id>/answered")
@login_required
def answered(centre_id: int, referral_id: int):
    """Mark the request answered (the visitor was reached another way)."""
    return _change_status(
        centre_id, referral_id, referrals.mark_answered, _("The request is marked as answered.")
    )


def _change_status(centre_id: int, referral_id: int, change, done: str):
    """Apply ``change`` (mark answered, close) and say so next to the status."""
    centre = load_centre(centre_id)
    referral = referrals.referral_in(centre, referral_id)
    change(centre, referral, current_user, clock.now())
    unit.commit()
    flash_at("status", done)
    return redirect_to(url_for(".show", centre_id=centre.id, referral_id=referral.id), "status")


@bp.route("/requests/<int:referral_id>/forward", methods=["GET", "POST"])
@login_required
def forward(centre_id: int, referral_id: int):
    """Confirm, then pass the request on to a group's co-responsible members."""
    centre = load_centre(centre_id)
    referral = referrals.referral_in(centre, referral_id)
    if not referral.consent:
        return _show(centre, referral, status=400, forward_error=referrals.NoConsent.message)
    chosen = request.values.get("group", type=int)
    if chosen is None:
        return _show(centre, referral, status=400, forward_error=_("Choose a group."))
    group = referrals.attached_group(centre, chosen)
    form = ForwardForm()
    if request.method == "POST" and form.validate_on_submit():
        link = url_for("directory.messages", group_id=group.id, _external=True)
        try:
            referrals.forward(centre, referral, current_user, group, link, clock.now())
        except DomainError as exc:
            unit.rollback()
            return _show(centre, referral, status=exc.status, forward_error=exc.message)
        report = unit.commit()
        flash_at("status", _("The request has been passed on to the group."))
        flash_report(report, "status")
        return redirect_to(url_for(".show", centre_id=centre.id, referral_id=referral.id), "status")
    form.group.data = str(group.id)
    return render_template(
        "centre_requests/confirm_forward.html",
        centre=centre,
        item=referral,
        group=group,
        name=directory.public_name(group),
        form=form,
    ), (400 if request.method == "POST" else 200)


@bp.route("/requests/<int:referral_id>/close", methods=["GET", "POST"])
@login_required
def close(centre_id: int, referral_id: int):
    """Confirm, then close the request (a closed request is not reopened)."""
    if request.method == "GET":
        centre = load_centre(centre_id)
        referral = referrals.referral_in(centre, referral_id)
        return render_template(
            "centre_requests/confirm_close.html",
            centre=centre,
            item=referral,
            kept_days=retention.REFERRAL_DAYS,
        )
    return _change_status(centre_id, referral_id, referrals.close, _("The request is closed."))


@bp.get("/listings")
@login_required
def listings(centre_id: int):
    """List the groups that ask to be listed in the directory, and the
    centre's directory for its own website."""
    centre = load_centre(centre_id)
    return render_template(
        "centre_requests/listings.html",
        centre=centre,
        items=listing.pending(centre),
        public_name=directory.public_name,
        embed_url=url_for("centre_directory.embed", centre_id=centre.id, _external=True),
        json_url=url_for("centre_directory.feed_json", centre_id=centre.id, _external=True),
    )


def _review(centre, item, review_form=None, return_form=None, status=200):
    return render_template(
        "centre_requests/review.html",
        centre=centre,
        item=item,
        name=directory.public_name(item.group),
        series=listing.series_of(item.group, clock.today()),
        review_form=review_form or ReviewForm(prefix="review"),
        return_form=return_form or ReturnForm(prefix="back"),
    ), status


def _refused(form, exc, centre, item, **forms):
    """The review page again, with why it was refused (at the field, or at the top)."""
    context = {
        "review_form": ReviewForm(prefix="review"),
        "return_form": ReturnForm(prefix="back"),
        **forms,
    }
    return field_error(
        form,
        exc,
        "centre_requests/review.html",
        centre=centre,
        item=item,
        name=directory.public_name(item.group),
        series=listing.series_of(item.group, clock.today()),
        **context,
    )


@bp.route("/listings/<int:group_id>", methods=["GET", "POST"])
@login_required
def review(centre_id: int, group_id: int):
    """Check a group's request against the listing criteria; approve it."""
    centre = load_centre(centre_id)
    item = listing.pending_of(centre, group_id)
    form = ReviewForm(prefix="review")
    if request.method == "GET":
        return _review(centre, item, form)
    if not form.validate_on_submit():
        return _review(centre, item, form, status=400)
    link = url_for("groups.settings", group_id=item.group.id, _external=True)
    try:
        listing.approve(
            centre, current_user, item, set(form.criteria.data or []), clock.now(), link
        )
    except DomainError as exc:
        return _refused(form, exc, centre, item, review_form=form)
    unit.commit()
    flash_at("listings", _("The group is now listed in the directory."))
    return redirect_to(url_for(".listings", centre_id=centre.id), "listings")


@bp.post("/listings/<int:group_id>/return")
@login_required
def send_back(centre_id: int, group_id: int):
    """Send a group's request back with a reason."""
    centre = load_centre(centre_id)
    item = listing.pending_of(centre, group_id)
    form = ReturnForm(prefix="back")
    if not form.validate_on_submit():
        return _review(centre, item, return_form=form, status=400)
    link = url_for("groups.settings", group_id=item.group.id, _external=True)
    try:
        listing.send_back(centre, current_user, item, form.reason.data, clock.now(), link)
    except DomainError as exc:
        return _refused(form, exc, centre, item, return_form=form)
    unit.commit()
    flash_at("listings", _("The request has been sent back to the group with your reason."))
    return redirect_to(url_for(".listings", centre_id=centre.id), "listings")
