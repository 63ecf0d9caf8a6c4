"""Conditional feed polls answered before Flask.

Calendar clients poll their feeds every hour or so and nearly every poll ends
in 304 Not Modified. This WSGI layer answers those from the one query that
resolves the token (ETag and Last-Modified included) without building a
request context; anything else (a first fetch, a changed calendar, an unknown
token) goes on to the Flask view.
"""

from __future__ import annotations

from sqlalchemy import create_engine
from werkzeug.http import http_date, parse_date, parse_etags, quote_etag

from facilitator.extensions import db
from facilitator.security import header_items
from facilitator.services import feeds
from facilitator.services.errors import NotFound

PREFIX = "/feeds/"
SUFFIX = ".ics"


def not_modified_headers(resolved: feeds.Resolved, config) -> list[tuple[str, str]]:
    """The headers of a 304: the same validators as the 200 would carry."""
    return [
        ("ETag", quote_etag(resolved.etag)),
        ("Last-Modified", http_date(resolved.last_modified)),
        ("Cache-Control", "private, max-age=0"),
        *header_items(config),
    ]


class ConditionalFeeds:
    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._fetch = None

    def _token(self, environ) -> str | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if "HTTP_IF_NONE_MATCH" not in environ and "HTTP_IF_MODIFIED_SINCE" not in environ:
            return None
        path = environ.get("PATH_INFO", "")
        if not (path.startswith(PREFIX) and path.endswith(SUFFIX)):
            return None
        token = path[len(PREFIX) : -len(SUFFIX)]
        return token if token and "/" not in token else None

    def _resolve(self, token: str) -> feeds.Resolved | None:
        if self._fetch is None:
            # Its own engine in autocommit: a poll is one read, with no
            # BEGIN/ROLLBACK around it and no isolation switch per checkout;
            # the query is prepared once.
            with self.app.app_context():
                engine = create_engine(
                    db.engine.url,
                    isolation_level="AUTOCOMMIT",
                    **self.app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
                )
            self._fetch = feeds.PreparedResolve(engine)
        try:
            return feeds.resolve(token, fetch=self._fetch)
        except NotFound:
            return None

    def __call__(self, environ, start_response):
        token = self._token(environ)
        if token is not None:
            resolved = self._resolve(token)
            if resolved is not None and feeds.not_modified(
                resolved,
                parse_etags(environ.get("HTTP_IF_NONE_MATCH")),
                parse_date(environ.get("HTTP_IF_MODIFIED_SINCE")),
            ):
                start_response("304 NOT MODIFIED", not_modified_headers(resolved, self.app.config))
                return []
        return self.wsgi_app(environ, start_response)
