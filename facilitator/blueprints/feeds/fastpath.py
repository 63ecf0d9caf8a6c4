"""Feed polls answered before Flask.

Calendar clients poll their feeds every hour or so. Most polls carry
If-None-Match or If-Modified-Since and end in 304 Not Modified; Google and
several other clients send neither and fetch the whole calendar each time.
This WSGI layer answers both kinds from the one query that resolves the token
(ETag and Last-Modified included), without building a request context: a 304
when the validators match, and otherwise the calendar's bytes when they are in
the cache (``body_key`` says what they depend on). Anything else (a first
fetch of the day, a changed calendar, a fetch to record as the link's last
use, an unknown token) goes on to the Flask view, which renders and caches.

Whatever fails here (the database, the cache) also goes on to Flask, which
answers as for any page: with the calendar, or with the app's own 500 page
and headers. An exception must not leave this layer: gunicorn would answer
with its bare error page and log the request's secret path.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import Engine, create_engine
from werkzeug.http import http_date, parse_date, parse_etags, quote_etag
from werkzeug.wrappers import Request

from facilitator.extensions import cache, db
from facilitator.security import RedactSecretPaths, header_items
from facilitator.services import clock, feeds
from facilitator.services.errors import NotFound

PREFIX = "/feeds/"
SUFFIX = ".ics"
ICS = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, max-age=0"
# The view finds here the token this layer already resolved (one query less).
RESOLVED = "facilitator.feed_resolved"

log = logging.getLogger(__name__)
log.addFilter(RedactSecretPaths())  # a fault's message may name the path


def body_key(resolved: feeds.Resolved, today: date, url_root: str) -> str:
    """The cache key of a feed's bytes: everything they depend on. The ETag
    covers the link, the groups' versions (every change of a meeting, a role,
    a name bumps them), the group's and the owner's discreet settings and the
    owner's language; ``today`` moves the window of past meetings; the site's
    address is in every event's link."""
    return f"feed:{resolved.etag}:{today.isoformat()}:{url_root}"


def validator_headers(resolved: feeds.Resolved, config) -> list[tuple[str, str]]:
    """The headers a feed answer carries besides its body's: validators,
    cache control and the security headers."""
    return [
        ("ETag", quote_etag(resolved.etag)),
        ("Last-Modified", http_date(resolved.last_modified)),
        ("Cache-Control", CACHE_CONTROL),
        *header_items(config),
    ]


class ConditionalFeeds:
    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._prepared_query: tuple[Engine, feeds.PreparedResolve] | None = None

    def _token(self, environ) -> str | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        if not (path.startswith(PREFIX) and path.endswith(SUFFIX)):
            return None
        token = path[len(PREFIX) : -len(SUFFIX)]
        return token if token and "/" not in token else None

    def _prepared(self) -> tuple[Engine, feeds.PreparedResolve]:
        if self._prepared_query is None:
            # Its own engine in autocommit: a poll is one read, with no
            # BEGIN/ROLLBACK around it and no isolation switch per checkout
            # (nor a reset when it goes back to the pool); the query is
            # prepared once.
            options = {
                "pool_reset_on_return": None,
                **self.app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
                "isolation_level": "AUTOCOMMIT",
            }
            with self.app.app_context():
                engine = create_engine(db.engine.url, **options)
            self._prepared_query = (engine, feeds.PreparedResolve(engine))
        return self._prepared_query

    def _resolve(self, token: str) -> feeds.Resolved | None:
        engine, fetch = self._prepared()
        dbapi = engine.dialect.loaded_dbapi
        try:
            try:
                return feeds.resolve(token, fetch=fetch)
            except (dbapi.OperationalError, dbapi.InterfaceError):
                # The server closed the connection (a restart, a failover,
                # pg_terminate_backend), and so perhaps every pooled one. Not
                # a ping before each poll (a round trip on the busiest path):
                # the pool is replaced and the read, which changes nothing,
                # runs once more on a new connection.
                log.warning(
                    "feed fast path: database connection lost, reading again", exc_info=True
                )
                engine.dispose()
                return feeds.resolve(token, fetch=fetch)
        except NotFound:
            return None

    def _cached_body(self, environ, resolved: feeds.Resolved) -> bytes | None:
        if environ["REQUEST_METHOD"] != "GET" or feeds.use_to_record(resolved, clock.now()):
            return None
        # The same address as Flask's request.url_root (werkzeug's parsing).
        url_root = Request(environ).url_root
        return self.app.extensions["cache"][cache].get(body_key(resolved, clock.today(), url_root))

    def _answer(self, environ, token: str) -> tuple[str, list[tuple[str, str]], list[bytes]] | None:
        """The status, headers and body of the answer, or None for Flask to answer."""
        resolved = self._resolve(token)
        if resolved is None:
            return None
        headers = validator_headers(resolved, self.app.config)
        if feeds.not_modified(
            resolved,
            parse_etags(environ.get("HTTP_IF_NONE_MATCH")),
            parse_date(environ.get("HTTP_IF_MODIFIED_SINCE")),
        ):
            return "304 NOT MODIFIED", headers, []
        body = self._cached_body(environ, resolved)
        if body is None:
            environ[RESOLVED] = resolved
            return None
        length = [("Content-Type", ICS), ("Content-Length", str(len(body)))]
        return "200 OK", [*length, *headers], [body]

    def __call__(self, environ, start_response):
        token = self._token(environ)
        if token is None:
            return self.wsgi_app(environ, start_response)
        try:
            answer = self._answer(environ, token)
        except Exception:
            # No path in the log: it holds the secret token.
            log.exception("feed fast path failed; the Flask view answers instead")
            answer = None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return body
