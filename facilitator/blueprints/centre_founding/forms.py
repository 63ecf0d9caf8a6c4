"""The facts staff enter about a group being founded."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField

from facilitator.blueprints.forms import LineField, choice_field, max_length, required, strip
from facilitator.i18n import GROUP_LANGUAGE_NAMES
from facilitator.models import CANTONS, LANGUAGES, THEMES
from facilitator.models.groups import DESCRIPTION_MAX, NAME_MAX


def _named(kind: str, codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Codes with their names in the reader's language (the filters that the
    groups' pages register)."""
    name = current_app.jinja_env.filters[f"{kind}_name"]
    return [(code, str(name(code))) for code in codes]


class FoundingForm(FlaskForm):
    name = LineField(_l("Name of the group"), validators=[required(), max_length(NAME_MAX)])
    theme = choice_field(_l("Theme"), lambda: _named("theme", THEMES))
    canton = choice_field(_l("Canton"), lambda: _named("canton", CANTONS))
    language = choice_field(
        _l("Language of the group"),
        lambda: [(code, GROUP_LANGUAGE_NAMES[code]) for code in LANGUAGES],
    )
    town = LineField(
        _l("Town shown in the directory"),
        validators=[max_length(80)],
        description=_l("Only the town, never the address."),
    )
    directory_title = LineField(
        _l("Title in the directory (optional)"),
        validators=[max_length(NAME_MAX)],
        description=_l("Leave empty to show the group's name."),
    )
    description = TextAreaField(
        _l("Short description"),
        validators=[max_length(DESCRIPTION_MAX)],
        filters=[strip],
        description=_l(
            "Who the group is for. The person who takes the group over reads it, and the "
            "members; it is not shown in the directory."
        ),
    )
    listed = BooleanField(
        _l("List as starting soon"),
        description=_l(
            "The public directory then shows the group as “Starting soon — contact the centre”: "
            "the title (or the name), theme, canton, language and town, and a link to the "
            "centre's request form."
        ),
    )
