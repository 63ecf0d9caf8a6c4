"""The themes' forms: proposing one, and choosing the meeting it is for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from facilitator.blueprints.forms import REQUIRED, LineField, max_length, required
from facilitator.models.meetings import THEME_MAX


class ProposeForm(FlaskForm):
    text = LineField(
        _l("A theme you would like to talk about"),
        validators=[
            required(),
            max_length(THEME_MAX),
        ],
        description=_l(
            "A few words, at most %(max)d characters. Your name is not shown with it.",
            max=THEME_MAX,
        ),
    )


class PickForm(FlaskForm):
    """The choices (key, date) are the coming meetings the member may give
    a theme to."""

    meeting = RadioField(
        _l("For the meeting of"),
        validators=[InputRequired(message=REQUIRED)],
        # Any meeting's key may come (the meeting's shape page sends its
        # own); the view looks it up and the service checks it.
        validate_choice=False,
    )
