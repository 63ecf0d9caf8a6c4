from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from facilitator.blueprints.forms import (
    REQUIRED,
    LineField,
    WholeNumberField,
    choice_field,
    max_length,
    required,
    strip,
)
from facilitator.i18n import GROUP_LANGUAGE_NAMES
from facilitator.models import CANTONS, LANGUAGES, THEMES
from facilitator.models.groups import DESCRIPTION_MAX, LOCATION_MAX, NAME_MAX
from facilitator.services.invitations import MAX_DAYS, MAX_USES

from .labels import CANTON_NAMES, THEME_NAMES

_TIMEZONES = frozenset(available_timezones())


def known_timezone(form, field):
    if field.data not in _TIMEZONES:
        raise ValidationError(_l("Unknown time zone. Use a name such as Europe/Zurich."))


class NewGroupForm(FlaskForm):
    """What is needed to start a group; the rest keeps its default (GroupForm)."""

    name = LineField(_l("Name of the group"), validators=[required(), max_length(NAME_MAX)])
    language = choice_field(
        _l("Language of the group"),
        lambda: [(code, GROUP_LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )
    canton = choice_field(_l("Canton"), lambda: [(code, CANTON_NAMES[code]) for code in CANTONS])
    default_location = LineField(
        _l("Usual meeting place"),
        validators=[max_length(LOCATION_MAX)],
        description=_l("For example: Maison des associations, room B, Rue de l'Ale 1, Lausanne."),
    )


class GroupForm(NewGroupForm):
    """All the settings of a group."""

    description = TextAreaField(
        _l("Short description"),
        validators=[max_length(DESCRIPTION_MAX)],
        filters=[strip],
        description=_l("Who the group is for and how it works. Members see it; nobody else does."),
    )
    theme = choice_field(_l("Theme"), lambda: [(code, THEME_NAMES[code]) for code in THEMES])
    timezone = LineField(
        _l("Time zone"),
        default="Europe/Zurich",
        validators=[required(), max_length(64), known_timezone],
        description=_l("Europe/Zurich for all of Switzerland."),
    )
    listed = BooleanField(
        _l("List the group in the public directory"),
        description=_l(
            "People looking for help then find it and can write to the co-responsible members. "
            "Shown: the title below (or the name), theme, canton, language, rhythm and town."
        ),
    )
    directory_title = LineField(
        _l("Title in the directory (optional)"),
        validators=[max_length(NAME_MAX)],
        description=_l("Leave empty to show the group's name."),
    )
    town = LineField(
        _l("Town shown in the directory"),
        validators=[max_length(80)],
        description=_l("Only the town, never the address."),
    )
    accepting_newcomers = BooleanField(_l("Newcomers are welcome at the moment"))
    discreet_feed = BooleanField(
        _l("Discreet titles in calendars"),
        description=_l(
            'Calendars show "Meeting" instead of the group\'s name, without notes, and '
            "emails leave the name out of their subject, so that nothing on a lock screen "
            "reveals what the group is about."
        ),
    )
    feed_show_roles = BooleanField(
        _l("Group calendars show who holds which role"),
        description=_l("By display name. Personal calendars always mark the person's own roles."),
    )
    retention_months = WholeNumberField(
        _l("Delete meeting notes and attendance figures after (months)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=120, message=_l("Choose between %(min)s and %(max)s.")),
        ],
        description=_l("Leave empty to keep them as long as the group exists."),
        render_kw={"inputmode": "numeric"},
    )
    role_release_hours = WholeNumberField(
        _l("Members can give a role back until (hours before the meeting)"),
        default=48,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=0, max=336, message=_l("Choose between %(min)s and %(max)s.")),
        ],
        description=_l("After that, they ask a co-responsible member. 48 hours is usual."),
        render_kw={"inputmode": "numeric"},
    )
    several_roles_per_meeting = BooleanField(
        _l("One person may hold several roles at the same meeting"),
        description=_l("Useful for very small groups."),
    )
    all_coresponsible = BooleanField(
        _l("Every member is co-responsible"),
        description=_l("Everyone can then plan meetings, invite people and manage members."),
    )


class InvitationForm(FlaskForm):
    days = WholeNumberField(
        _l("Valid for (days)"),
        default=14,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(
                min=1, max=MAX_DAYS, message=_l("Choose between %(min)s and %(max)s days.")
            ),
        ],
        render_kw={"min": 1, "max": MAX_DAYS, "inputmode": "numeric"},
    )
    max_uses = WholeNumberField(
        _l("How many people may use it"),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=MAX_USES, message=_l("Choose between %(min)s and %(max)s people.")
            ),
        ],
        description=_l("Leave empty for no limit until the link expires."),
        render_kw={"min": 1, "max": MAX_USES, "inputmode": "numeric"},
    )
