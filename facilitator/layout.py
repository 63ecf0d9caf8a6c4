"""The links of the base layout, built once per site root.

Every page's header and footer link to the same eight places (style sheet,
icon, home, calendar, account, log-out, privacy, and for visitors the
directory, log-in and registration). They depend only on where the app is
mounted (``SCRIPT_NAME``), so they are built once for each root instead of
on every page.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, url_for

LINKS = {
    "style": ("static", {"filename": "style.css"}),
    "icon": ("static", {"filename": "favicon.svg"}),
    "home": ("main.index", {}),
    "calendar": ("feeds.personal", {}),
    "account": ("account.profile", {}),
    "logout": ("auth.logout", {}),
    "privacy": ("main.privacy", {}),
    "directory": ("directory.index", {}),
    "centres": ("centres.index", {}),
    "login": ("auth.login", {}),
    "register": ("auth.register", {}),
}


def init_app(app: Flask) -> None:
    built: dict[str, dict[str, str]] = {}

    @app.context_processor
    def layout_urls() -> dict:
        if not has_request_context():
            return {}
        root = request.script_root
        urls = built.get(root)
        if urls is None:
            urls = built[root] = {
                name: url_for(endpoint, **values) for name, (endpoint, values) in LINKS.items()
            }
        return {"layout_urls": urls}
