"""The names people give themselves, as pages show them.

A display name is someone's own text inside our sentences. Inside ``<bdi>``
(bidirectional isolation) a name written right to left, or one that ends in
a character of either direction, cannot reorder the sentence around it
("<bdi>نور</bdi> a quitté le groupe." stays in that order). Emails and
calendar feeds are plain text and name people without it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup


def bdi(text) -> Markup:
    """``text`` (escaped) isolated from the text around it: ``{{ name | bdi }}``."""
    return Markup("<bdi>%s</bdi>") % text


def person(user) -> str:
    """A user's display name, in plain text, or "a former member"."""
    return user.display_name if user is not None else _("a former member")


def person_html(user) -> Markup | str:
    """A user's display name inside ``<bdi>``, or "a former member": ``{{ user | person }}``."""
    return bdi(user.display_name) if user is not None else _("a former member")
