"""The meeting's shape: its theme and outline, the group's usual outline, and
the facilitator's printable card."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from facilitator.blueprints.common import load_group, render_form
from facilitator.blueprints.forms import LineField, max_length, strip
from facilitator.domain import outline as outline_rules
from facilitator.domain.links import LINK_MAX, https_link_problem
from facilitator.models.meetings import OUTLINE_MAX, THEME_MAX
from facilitator.services import meeting_shape, roles, schedule, themes, unit
from facilitator.services.errors import DomainError

bp = Blueprint("shape", __name__, template_folder="templates", url_prefix="/groups/<int:group_id>")

PROBLEMS = {
    "minutes": _l("Line %(line)s: the minutes must be between 1 and %(max)s."),
    "title_too_long": _l("Line %(line)s: use at most %(max)s characters for a part."),
    "too_many_parts": _l("Use at most %(max)s parts."),
}
LIMITS = {
    "minutes": outline_rules.MAX_MINUTES,
    "title_too_long": outline_rules.PART_TITLE_MAX,
    "too_many_parts": outline_rules.MAX_PARTS,
}


def _one_newline(value):
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ReadableOutline:
    def __call__(self, form, field):
        try:
            outline_rules.parse(field.data or "")
        except outline_rules.OutlineProblem as problem:
            raise ValidationError(
                PROBLEMS[problem.kind] % {"line": problem.line, "max": LIMITS[problem.kind]}
            ) from None


def outline_field(label):
    return TextAreaField(
        label,
        validators=[max_length(OUTLINE_MAX), ReadableOutline()],
        filters=[strip, _one_newline],
        description=_l(
            "One part a line, starting with its minutes: 15 Opening round. "
            "A line without minutes takes the time left over."
        ),
        render_kw={"rows": 7},
    )


class HttpsLink:
    MESSAGES = {
        "too_long": _l("Use at most %(max)d characters.", max=LINK_MAX),
        "not_https": _l("The link must start with https:// (a secure connection)."),
        "not_a_link": _l(
            "Enter a link that starts with https://, such as https://meet.jit.si/our-group."
        ),
    }

    def __call__(self, form, field):
        problem = https_link_problem(field.data) if field.data else None
        if problem:
            raise ValidationError(self.MESSAGES[problem])


def online_link_field(label, description):
    return LineField(
        label,
        validators=[HttpsLink()],
        description=description,
        render_kw={"inputmode": "url", "spellcheck": "false", "autocomplete": "off"},
    )


class ShapeForm(FlaskForm):
    theme = LineField(
        _l("Theme of the evening"),
        validators=[max_length(THEME_MAX)],
        description=_l("Optional. Shown to members only, never in a calendar or an email."),
    )
    outline = outline_field(_l("Outline of this meeting"))
    online_link = online_link_field(
        _l("Online link (hybrid or video meeting)"),
        _l("Optional. Shown only to the group's members, on this page. Empty: no link this time."),
    )


class OutlineForm(FlaskForm):
    outline = outline_field(_l("Usual outline of a meeting"))
    online_link = online_link_field(
        _l("Usual online link (hybrid or video meetings)"),
        _l("Optional. Shown only to the group's members, on each meeting's page."),
    )


@bp.route("/meetings/<key>/shape", methods=["GET", "POST"])
@login_required
def edit(group_id: int, key: str):
    """Set a meeting's theme and outline (co-responsibles, its role holders)."""
    group, membership = load_group(group_id)
    occurrence = schedule.find(group, key)
    if not meeting_shape.may_shape(membership, roles.slots_of(group, occurrence)):
        raise meeting_shape.NotYours()
    form = ShapeForm()
    if not form.is_submitted():
        form.theme.data = meeting_shape.theme_of(occurrence)
        form.outline.data = meeting_shape.outline_of(group, occurrence)
        form.online_link.data = meeting_shape.online_link_of(group, occurrence)
    context = {
        "group": group,
        "membership": membership,
        "occurrence": occurrence,
        "proposals": themes.open_proposals(group),
    }
    if form.validate_on_submit():
        try:
            meeting_shape.set_shape(
                group,
                membership,
                occurrence,
                form.theme.data or "",
                form.outline.data or "",
                form.online_link.data or "",
            )
        except DomainError as exc:
            unit.rollback()
            flash(str(exc.message), "error")
            return render_template("shape/edit.html", form=form, **context), exc.status
        unit.commit()
        flash(_("The theme and outline have been saved."), "success")
        return redirect(url_for("meetings.show", group_id=group.id, key=occurrence.key))
    return render_form("shape/edit.html", form, **context)


@bp.get("/meetings/<key>/card")
@login_required
def card(group_id: int, key: str):
    """The facilitator's card, one printable page."""
    group, membership = load_group(group_id)
    occurrence = schedule.find(group, key)
    return render_template(
        "shape/card.html",
        group=group,
        membership=membership,
        card=meeting_shape.card(group, membership, occurrence),
    )


@bp.route("/outline", methods=["GET", "POST"])
@login_required
def group_outline(group_id: int):
    """The group's usual outline (co-responsibles)."""
    group, membership = load_group(group_id, coresponsible=True)
    form = OutlineForm()
    if not form.is_submitted():
        form.outline.data = meeting_shape.group_outline(group)
        form.online_link.data = group.online_link
    if form.validate_on_submit():
        meeting_shape.set_group_defaults(
            group, current_user, form.outline.data or "", form.online_link.data or ""
        )
        unit.commit()
        flash(_("The usual outline has been saved."), "success")
        return redirect(url_for("shape.group_outline", group_id=group.id))
    return render_form("shape/outline.html", form, group=group, membership=membership)
