"""The page of one meeting, rendered in one place: the meetings, roles and
attendance views all show it (also after a refused action, with its status),
from the read model that services.meeting_page composes. Its two forms (the
headcount and the cancellation's reason) live here with it."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from facilitator.blueprints.forms import REQUIRED, LineField, WholeNumberField, max_length
from facilitator.i18n import current_language
from facilitator.models import Group, Membership
from facilitator.models.attendance import MAX_COUNT
from facilitator.models.meetings import REASON_MAX
from facilitator.services import clock, schedule
from facilitator.services.meeting_page import meeting_page

RANGE = _l("Enter a whole number from %(min)s to %(max)s.")


class HeadcountForm(FlaskForm):
    participants = WholeNumberField(
        _l("Participants (everyone present, you included)"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=0, max=MAX_COUNT, message=RANGE),
        ],
        render_kw={"inputmode": "numeric"},
    )
    newcomers = WholeNumberField(
        _l("Of whom there for the first time (optional)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_COUNT, message=RANGE)],
        not_a_number=_l("Enter a whole number from %(min)s to %(max)s.", min=0, max=MAX_COUNT),
        render_kw={"inputmode": "numeric"},
    )

    def validate_newcomers(self, field):
        if (
            field.data is not None
            and self.participants.data is not None
            and field.data > self.participants.data
        ):
            raise ValidationError(
                _l("The number of newcomers cannot be higher than the number of participants.")
            )


class CancelForm(FlaskForm):
    reason = LineField(
        _l("Reason (shown to members)"),
        validators=[max_length(REASON_MAX)],
        description=_l("Optional. For example: room not available."),
    )


def show_page(
    group: Group,
    membership: Membership,
    occurrence: schedule.Occurrence,
    cancel_form: CancelForm | None = None,
    status: int = 200,
    headcount_form: HeadcountForm | None = None,
) -> tuple[str, int]:
    """The meeting page, also after a refused action (with its status and the
    refused form)."""
    now = clock.now()
    page = meeting_page(
        group, membership, current_user._get_current_object(), occurrence, now, current_language()
    )
    context = page.context()
    if page.attendance is not None:
        existing = page.attendance.headcount
        context["headcount_form"] = headcount_form or HeadcountForm(
            data={"participants": existing.participants, "newcomers": existing.newcomers}
            if existing
            else None
        )
    return render_template(
        "meetings/show.html",
        group=group,
        membership=membership,
        cancel_form=cancel_form or CancelForm(),
        now=now,
        **context,
    ), status
