"""Languages: which locale a request is answered in, and date formatting.

The order (DESIGN.md section 5, with the invitation rule of the foundation
issue): the user's saved preference, then an explicit ``?lang=`` choice
remembered in the session, then the language of the group a page is about
for visitors (an invitation opens in the group's language), then the
browser's Accept-Language, then French.
"""

from __future__ import annotations

from flask import g, has_request_context, request, session
from flask_babel import get_locale, get_translations, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from facilitator.extensions import babel

# UI languages: code -> (Babel locale with Swiss formats, name in itself)
UI_LANGUAGES = {
    "fr": ("fr_CH", "Français"),
    "it": ("it_CH", "Italiano"),
    "de": ("de_CH", "Deutsch"),
    "en": ("en_CH", "English"),
}
DEFAULT_LANGUAGE = "fr"

# Group languages (what the group speaks), named in the reader's language.
GROUP_LANGUAGE_NAMES = {"fr": _l("French"), "it": _l("Italian"), "de": _l("German")}


def locale_for(language: str) -> str:
    """The Babel locale with Swiss formats for a language code ("it" -> "it_CH")."""
    entry = UI_LANGUAGES.get(language)
    return entry[0] if entry else f"{language}_CH"


def ui_language(code: str | None) -> str | None:
    """Return ``code`` if it is a UI language we offer, else None."""
    return code if code in UI_LANGUAGES else None


def select_language() -> str:
    if not has_request_context():  # CLI commands, background work
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and ui_language(current_user.locale):
        return current_user.locale
    chosen = ui_language(session.get("lang"))
    if chosen:
        return chosen
    context = ui_language(g.get("context_language"))
    if context:
        return context
    best = request.accept_languages.best_match(list(UI_LANGUAGES))
    return best or DEFAULT_LANGUAGE


def select_locale() -> str:
    return UI_LANGUAGES[select_language()][0]


def current_language() -> str:
    """The two-letter code of the language this request is answered in."""
    return get_locale().language


def use_context_language(language: str) -> None:
    """Answer in ``language`` unless the reader chose otherwise (invitations)."""
    g.context_language = language
    refresh()


def remember_language_choice() -> None:
    """Store an explicit ``?lang=`` choice in the session (and the profile)."""
    chosen = ui_language(request.args.get("lang"))
    if not chosen:
        return
    session["lang"] = chosen
    if current_user.is_authenticated and current_user.locale != chosen:
        # Imported here to break the cycle i18n -> unit -> mail -> i18n.
        from facilitator.services import unit

        current_user.locale = chosen
        unit.commit()
    refresh()


# The catalogs, by locale: loaded once per process (Flask-Babel keeps them too,
# but finds them again through several context lookups on each message).
_CATALOGS: dict = {}


def translations():
    """The catalog of the language this request is answered in. Templates
    translate dozens of messages a page: this finds the catalog from the locale
    Flask-Babel already chose for the request (or forced with force_locale),
    with one context lookup instead of about ten."""
    state = g.get("_flask_babel") if g else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # the first message of the request, or after refresh()
        return get_translations()
    catalog = _CATALOGS.get(locale)
    if catalog is None:
        catalog = _CATALOGS[locale] = get_translations()
    return catalog


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.before_request(remember_language_choice)

    @app.context_processor
    def language_context():
        lang = current_language()
        locale = get_locale()
        html_lang = lang if locale.territory is None else f"{lang}-{locale.territory}"
        return {
            "ui_languages": UI_LANGUAGES,
            "current_language": lang,
            "html_lang": html_lang,
        }
