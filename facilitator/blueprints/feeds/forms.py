from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from facilitator.blueprints.forms import LineField, max_length, required
from facilitator.models.feeds import LABEL_MAX


class FeedLinkForm(FlaskForm):
    label = LineField(
        _l("Name of the link"),
        validators=[required(), max_length(LABEL_MAX)],
        description=_l('Where you use it, e.g. "phone" or "Thunderbird at home".'),
    )


class DiscreetForm(FlaskForm):
    discreet = BooleanField(
        _l("Discreet titles in my calendar"),
        description=_l(
            'Meetings appear as "Meeting" instead of the group\'s name, without notes, and '
            "emails leave the group's name out of their subject: nothing on a lock screen "
            "reveals what the group is about."
        ),
    )
