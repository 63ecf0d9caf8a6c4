"""How meetings and rhythms read in the reader's language."""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale, lazy_pgettext, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from facilitator.formatting import day_text, time_text
from facilitator.services import recurrence as rec

from .forms import weekday_names

WHICH = {
    1: _l("the first %(weekday)s"),
    2: _l("the second %(weekday)s"),
    3: _l("the third %(weekday)s"),
    4: _l("the fourth %(weekday)s"),
    5: _l("the fifth %(weekday)s"),
    -1: _l("the last %(weekday)s"),
}
# Sunday is feminine in Italian ("la prima domenica"): its own context.
WHICH_SUNDAY = {
    1: lazy_pgettext("sunday", "the first %(weekday)s"),
    2: lazy_pgettext("sunday", "the second %(weekday)s"),
    3: lazy_pgettext("sunday", "the third %(weekday)s"),
    4: lazy_pgettext("sunday", "the fourth %(weekday)s"),
    5: lazy_pgettext("sunday", "the fifth %(weekday)s"),
    -1: lazy_pgettext("sunday", "the last %(weekday)s"),
}


def rhythm(series) -> str:
    """ "Every 2 weeks on Tuesday at 19:00" in the reader's language."""
    rule = series.rule
    names = dict(weekday_names(in_sentence=True))
    at = time_text(series.start_time)
    n = rule.interval
    if rule.freq == rec.WEEKLY:
        days = format_list([names[d] for d in rule.byday], locale=get_locale())
        return ngettext(
            "Every week on %(days)s at %(time)s",
            "Every %(num)d weeks on %(days)s at %(time)s", n, days=days, time=at,
        )  # fmt: skip
    if rule.freq == rec.MONTHLY and rule.setpos is not None:
        phrases = WHICH_SUNDAY if rule.byday[0] == "SU" else WHICH
        which = str(phrases[rule.setpos]) % {"weekday": names[rule.byday[0]]}
        return ngettext(
            "Every month on %(which)s at %(time)s",
            "Every %(num)d months on %(which)s at %(time)s", n, which=which, time=at,
        )  # fmt: skip
    if rule.freq == rec.MONTHLY:
        return ngettext(
            "Every month on day %(day)d at %(time)s",
            "Every %(num)d months on day %(day)d at %(time)s", n, day=rule.monthday, time=at,
        )  # fmt: skip
    return ngettext("Every day at %(time)s", "Every %(num)d days at %(time)s", n, time=at)


def span(series) -> str:
    """ "From 1 September 2026 until 15 December 2026" and the like."""
    rule = series.rule
    start = day_text(series.start_date, "long")
    if rule.until:
        return _("From %(start)s until %(end)s", start=start, end=day_text(rule.until, "long"))
    if rule.count:
        return ngettext(
            "From %(start)s, %(num)d meeting", "From %(start)s, %(num)d meetings",
            rule.count, start=start,
        )  # fmt: skip
    return _("From %(start)s, with no end date", start=start)


def init_app(state) -> None:
    app = state.app
    app.add_template_filter(day_text, "day")
    app.add_template_filter(time_text, "clock")
    app.add_template_filter(rhythm, "rhythm")
    app.add_template_filter(span, "span")
