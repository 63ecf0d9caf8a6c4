"""The group's charter: read it and agree to it (members), change it, see its
versions and plan its yearly review (co-responsible members)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.blueprints.common import field_error, load_group
from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.blueprints.forms import CharterAgreeForm
from facilitator.formatting import day_text
from facilitator.services import charter, clock, unit
from facilitator.services.errors import DomainError

from . import text
from .forms import CharterForm, ReviewForm

bp = Blueprint("charter", __name__, template_folder="templates")
bp.record_once(text.init_app)


def _page(group, membership, *, agree=None, review=None, status=200):
    """The charter's page, with the forms as sent when one had errors."""
    overview = charter.overview(membership)
    agree = agree or CharterAgreeForm(formdata=None)
    if overview.version is not None:
        agree.version.data = str(overview.version.number)
    if review is None:
        review = ReviewForm(formdata=None)
        review.review_on.data = overview.standing.review_on
    return render_template(
        "charter/show.html",
        group=group,
        membership=membership,
        overview=overview,
        agree=agree,
        review=review,
        today=clock.today(group.timezone),
    ), status


@bp.get("/groups/<int:group_id>/charter")
@login_required
def show(group_id: int):
    """Show the group's charter, and whether I have read it."""
    return _page(*load_group(group_id))


@bp.post("/groups/<int:group_id>/charter/agree")
@login_required
def acknowledge(group_id: int):
    """Say that I have read the charter shown and agree to it."""
    group, membership = load_group(group_id)
    form = CharterAgreeForm()
    if not form.validate_on_submit():
        return _page(group, membership, agree=form, status=400)
    try:
        charter.acknowledge(membership, form.shown)
    except DomainError as exc:
        unit.rollback()
        form.agree.errors = [str(exc.message)]
        form.agree.data = False
        return _page(group, membership, agree=form, status=exc.status)
    unit.commit()
    flash_at("agreement", _("Thank you. You have read the charter and agree to it."))
    return redirect_to(url_for("charter.show", group_id=group.id), "agreement")


@bp.route("/groups/<int:group_id>/charter/edit", methods=["GET", "POST"])
@login_required
def edit(group_id: int):
    """Change the charter; say whether members must read it again."""
    group, membership = load_group(group_id, coresponsible=True)
    current = charter.current_version(group)
    form = CharterForm()
    if request.method == "GET" and current is not None:
        form.text.data = current.text
    context = {"group": group, "membership": membership, "current": current}
    if form.validate_on_submit():
        try:
            version = charter.revise(
                group,
                current_user,
                form.text.data,
                must_reread=bool(form.must_reread.data),
                base=form.base_number,
            )
        except DomainError as exc:
            form.base.data = str(current.number if current else 0)
            meanwhile = isinstance(exc, charter.CharterSavedMeanwhile)
            return field_error(
                form, exc, "charter/edit.html", changed_meanwhile=meanwhile, **context
            )
        unit.commit()
        if version is None:
            message = _("Nothing has changed: the charter stays as it was.")
        elif version.must_reread:
            message = _(
                "The charter has been saved. Every member is asked to read it again and to "
                "say that they agree."
            )
        else:
            message = _("The charter has been saved. Nobody is asked to read it again.")
        flash_at("charter", message)
        return redirect_to(url_for("charter.show", group_id=group.id), "charter")
    form.base.data = str(current.number if current else 0)
    status = 400 if form.errors else 200
    return render_template("charter/edit.html", form=form, **context), status


@bp.post("/groups/<int:group_id>/charter/review")
@login_required
def review(group_id: int):
    """Set the date of the charter's next review."""
    group, membership = load_group(group_id, coresponsible=True)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            charter.set_review(group, current_user, form.review_on.data)
        except DomainError as exc:
            unit.rollback()
            form.review_on.errors = [str(exc.message)]
            return _page(group, membership, review=form, status=exc.status)
        unit.commit()
        flash_at(
            "review",
            _("The next review is on %(date)s.", date=day_text(form.review_on.data)),
        )
        return redirect_to(url_for("charter.show", group_id=group.id), "review")
    return _page(group, membership, review=form, status=400)


@bp.post("/groups/<int:group_id>/charter/reviewed")
@login_required
def reviewed(group_id: int):
    """Say that the group reviewed the charter and keeps it as it is."""
    group, _membership = load_group(group_id, coresponsible=True)
    next_review = charter.reviewed(group, current_user)
    unit.commit()
    flash_at(
        "review",
        _(
            "The charter stays as it is. The next review is on %(date)s.",
            date=day_text(next_review),
        ),
    )
    return redirect_to(url_for("charter.show", group_id=group.id), "review")


@bp.get("/groups/<int:group_id>/charter/versions")
@login_required
def versions(group_id: int):
    """List every version of the charter, with its date and author."""
    group, membership = load_group(group_id, coresponsible=True)
    return render_template(
        "charter/versions.html",
        group=group,
        membership=membership,
        versions=charter.versions(group),
    )


@bp.get("/groups/<int:group_id>/charter/versions/<int:version_id>")
@login_required
def version(group_id: int, version_id: int):
    """Show one version of the charter as it was written."""
    group, membership = load_group(group_id, coresponsible=True)
    return render_template(
        "charter/version.html",
        group=group,
        membership=membership,
        version=charter.version_in(group, version_id),
    )
