from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import InputRequired, NumberRange

from facilitator.blueprints.forms import (
    REQUIRED,
    WholeNumberField,
    display_name_field,
    language_field,
    new_password_field,
    repeat_password_field,
)


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    language = language_field(_l("Language of the app and of emails"))
    reminder_days = WholeNumberField(
        _l("Remind me of my roles (days before the meeting)"),
        default=2,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=0, max=14, message=_l("Choose between %(min)s and %(max)s.")),
        ],
        description=_l("0 = no reminders."),
        render_kw={"inputmode": "numeric"},
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = repeat_password_field(_l("Repeat the new password"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password, to confirm"),
        validators=[InputRequired(message=REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
