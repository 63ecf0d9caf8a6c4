"""The rhythm of a series as form fields: how often, which days, when it ends.

``RuleFields`` is mixed into the series form; it turns its fields into a
``recurrence.Rule`` (``rule()``) and back (``fill_rule()``), so that the rule
<-> form mapping lives in one place and the series form keeps only the
meeting's own fields (first date, times, place). The fields keep their plain
names (``frequency``, ``weekdays``...), which the page's show-when script and
bookmarked previews rely on.
"""

from __future__ import annotations

from datetime import date

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from facilitator.blueprints.forms import (
    CHOICE_ERROR,
    REQUIRED,
    CheckboxesField,
    WholeNumberField,
    choice_field,
    date_field,
)
from facilitator.domain import recurrence as rec


def weekday_names(in_sentence: bool = False) -> list[tuple[str, str]]:
    """(code, name) of the weekdays: "Mardi" in a list of choices; in a sentence
    as the language writes it there ("mardi", "martedì", but "Dienstag")."""
    names = get_day_names("wide", context="format", locale=get_locale())
    return [
        (code, names[i] if in_sentence else names[i].capitalize())
        for i, code in enumerate(rec.WEEKDAYS)
    ]


ORDINALS = {
    1: _l("first"),
    2: _l("second"),
    3: _l("third"),
    4: _l("fourth"),
    5: _l("fifth"),
    -1: _l("last"),
}
BETWEEN = _l("Choose between %(min)s and %(max)s.")


class RuleFields:
    """The fields of a recurrence rule, for a FlaskForm to inherit."""

    frequency = choice_field(
        _l("How often"),
        lambda: [
            ("weekly", _l("Every week, or every few weeks")),
            ("monthly_weekday", _l("Once a month on a weekday, e.g. the 2nd Tuesday")),
            ("monthly_day", _l("Once a month on a date, e.g. the 15th")),
            ("daily", _l("Every day, e.g. for a retreat")),
        ],
        default="weekly",
    )
    interval = WholeNumberField(
        _l("Repeat every"),
        default=1,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=1, max=rec.MAX_INTERVAL, message=BETWEEN),
        ],
        description=_l("1 = every week (or month, or day); 2 = every other one; and so on."),
        render_kw={"inputmode": "numeric"},
    )
    weekdays = CheckboxesField(
        _l("On these weekdays"),
        choices=lambda: [SelectChoice(code, name) for code, name in weekday_names()],
        invalid_choice_message=CHOICE_ERROR,
        invalid_value_message=CHOICE_ERROR,
    )
    setpos = choice_field(
        _l("Which one in the month"),
        lambda: [(str(n), label) for n, label in ORDINALS.items()],
        default="1",
    )
    month_weekday = choice_field(
        _l("Weekday in the month"),
        weekday_names,
        default="TU",
    )
    monthday = WholeNumberField(
        _l("Day of the month"),
        validators=[Optional(), NumberRange(min=1, max=31, message=BETWEEN)],
        description=_l("Months without this day are skipped."),
        render_kw={"inputmode": "numeric"},
    )
    ends = RadioField(
        _l("Ends"),
        choices=[
            SelectChoice("never", _l("No end date (at most 10 years)")),
            SelectChoice("until", _l("On a date")),
            SelectChoice("count", _l("After a number of meetings")),
        ],
        invalid_choice_message=CHOICE_ERROR,
        default="never",
        validate_choice=True,
    )
    until = date_field(_l("Last possible date"), required=False)
    count = WholeNumberField(
        _l("Number of meetings"),
        validators=[Optional(), NumberRange(min=1, max=rec.MAX_OCCURRENCES, message=BETWEEN)],
        render_kw={"inputmode": "numeric"},
    )

    def rule_fields_complete(self) -> bool:
        """Mark the fields the chosen rhythm and end need but that are empty."""
        needed = {
            "until": self.ends.data == "until",
            "count": self.ends.data == "count",
            "monthday": self.frequency.data == "monthly_day",
        }
        ok = True
        for name, is_needed in needed.items():
            field = self[name]
            if is_needed and field.data is None and not field.errors:
                field.errors = [str(REQUIRED)]
                ok = False
        return ok

    def validate_weekdays(self, field) -> None:
        if self.frequency.data == "weekly" and not field.data:
            raise ValidationError(_l("Choose at least one weekday."))

    def rule(self) -> rec.Rule:
        freq = self.frequency.data
        end = {}
        if self.ends.data == "until":
            end["until"] = self.until.data
        elif self.ends.data == "count":
            end["count"] = self.count.data
        interval = self.interval.data
        if freq == "weekly":
            return rec.Rule(rec.WEEKLY, interval, tuple(self.weekdays.data), **end)
        if freq == "monthly_weekday":
            return rec.Rule(
                rec.MONTHLY,
                interval,
                (self.month_weekday.data,),
                setpos=int(self.setpos.data),
                **end,
            )
        if freq == "monthly_day":
            return rec.Rule(rec.MONTHLY, interval, monthday=self.monthday.data, **end)
        return rec.Rule(rec.DAILY, interval, **end)

    def fill_rule(self, rule: rec.Rule, first: date) -> None:
        """Show ``rule`` in the fields; a rule with an end shows its last date
        (counted from ``first``, the series' first day)."""
        self.interval.data = rule.interval
        if rule.freq == rec.WEEKLY:
            self.frequency.data, self.weekdays.data = "weekly", list(rule.byday)
        elif rule.freq == rec.MONTHLY and rule.setpos is not None:
            self.frequency.data = "monthly_weekday"
            self.setpos.data, self.month_weekday.data = str(rule.setpos), rule.byday[0]
        elif rule.freq == rec.MONTHLY:
            self.frequency.data, self.monthday.data = "monthly_day", rule.monthday
        else:
            self.frequency.data = "daily"
        if rule.until or rule.count:
            self.ends.data = "until"
            self.until.data = rec.last_date(rule, first)
        else:
            self.ends.data = "never"
