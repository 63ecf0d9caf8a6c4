"""Translated names of themes, cantons and languages; the template filters
that show them (and the audit trail's sentences)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from facilitator.blueprints.audit_text import audit_html
from facilitator.blueprints.names import bdi, person_html
from facilitator.i18n import GROUP_LANGUAGE_NAMES

THEME_NAMES = {
    "health": _l("Physical health, chronic or rare illness"),
    "psychological": _l("Mental health"),
    "addiction": _l("Addiction"),
    "grief": _l("Grief and loss"),
    "family": _l("Family and parenthood"),
    "social": _l("Social situation and identity"),
    "other": _l("Other"),
}

CANTON_NAMES = {
    "VD": _l("Vaud"),
    "GE": _l("Geneva"),
    "NE": _l("Neuchâtel"),
    "JU": _l("Jura"),
    "FR": _l("Fribourg"),
    "VS": _l("Valais"),
    "BE": _l("Bern"),
    "TI": _l("Ticino"),
    "GR": _l("Graubünden"),
    "AG": _l("Aargau"),
    "AI": _l("Appenzell Innerrhoden"),
    "AR": _l("Appenzell Ausserrhoden"),
    "BL": _l("Basel-Landschaft"),
    "BS": _l("Basel-Stadt"),
    "GL": _l("Glarus"),
    "LU": _l("Lucerne"),
    "NW": _l("Nidwalden"),
    "OW": _l("Obwalden"),
    "SG": _l("St. Gallen"),
    "SH": _l("Schaffhausen"),
    "SO": _l("Solothurn"),
    "SZ": _l("Schwyz"),
    "TG": _l("Thurgau"),
    "UR": _l("Uri"),
    "ZG": _l("Zug"),
    "ZH": _l("Zurich"),
}


def init_app(state) -> None:
    app = state.app
    app.add_template_filter(lambda code: THEME_NAMES.get(code, code), "theme_name")
    app.add_template_filter(lambda code: CANTON_NAMES.get(code, code), "canton_name")
    app.add_template_filter(lambda code: GROUP_LANGUAGE_NAMES.get(code, code), "language_name")
    app.add_template_filter(audit_html, "audit_text")
    app.add_template_filter(person_html, "person")
    app.add_template_filter(bdi, "bdi")
