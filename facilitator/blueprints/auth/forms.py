from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField
from wtforms.validators import InputRequired

from facilitator.blueprints.forms import (
    REQUIRED,
    CharterAgreement,
    display_name_field,
    email_field,
    language_field,
    new_password_field,
    repeat_password_field,
)


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay logged in on this device"))
    next = HiddenField()


class RegisterStartForm(FlaskForm):
    email = email_field()
    invitation = HiddenField()


class RegisterFinishForm(FlaskForm):
    display_name = display_name_field()
    password = new_password_field()
    confirm = repeat_password_field(_l("Repeat the password"))
    language = language_field(_l("Language of the app and of emails"))


class RegisterJoinForm(CharterAgreement, RegisterFinishForm):
    """Registering from an invitation: the account, and the group's charter
    agreed to."""


class ResetRequestForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    confirm = repeat_password_field(_l("Repeat the new password"))
