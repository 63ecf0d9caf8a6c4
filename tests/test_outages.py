"""Outages and faults: the database closed the app's connections, the cache's
Redis is down, the feeds' fast path fails; and the logs written meanwhile keep
the feeds' secret paths out."""

from __future__ import annotations

import logging
import time
import uuid

import psycopg
import pytest
import redis
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.pool import Pool

from facilitator import config
from facilitator.blueprints.feeds import fastpath
from facilitator.extensions import RedisCache, cache, db
from facilitator.services import feeds, unit
from tests.conftest import TEST_DATABASE_URL, t, text_of

POSTGRESQL = pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL closes connections")
DEAD_REDIS = "redis://127.0.0.1:6390/1"  # nothing listens there


@pytest.fixture(autouse=True)
def logs_on(monkeypatch):
    """The loggers these tests read (the migration tests' fileConfig disables
    the loggers that exist when they run)."""
    for name in (fastpath.__name__, "facilitator.extensions", "facilitator", "gunicorn.error"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)


@pytest.fixture
def feed(make_user, make_group, weekly_series):
    """A member's personal feed: (member, token, path)."""
    user = make_user("Noémie")
    weekly_series(make_group(user))
    _feed, token = feeds.create(user, "phone")
    unit.commit()
    return user, token, f"/feeds/{token}.ics"


def feed_answers(client, path: str) -> list[int]:
    """A full fetch (through Flask: rendered, cached, recorded as the link's
    use), a conditional one (304 before Flask) and a full one again (the
    cached bytes, before Flask)."""
    first = client.get(path)
    conditional = client.get(path, headers={"If-None-Match": first.headers.get("ETag", "")})
    again = client.get(path)
    assert b"BEGIN:VCALENDAR" in first.data and again.data == first.data
    return [first.status_code, conditional.status_code, again.status_code]


# --- Connections closed by the database server ---------------------------------


def terminate(pids: set[int]) -> None:
    """Close these backends from the server's side, as a restart would, and
    wait until they are gone."""
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [list(pids)]
        )
        for _ in range(100):
            alive = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s::int[])", [list(pids)]
            ).fetchone()[0]
            if not alive:
                return
            time.sleep(0.05)
    raise AssertionError(f"backends {pids} still alive")


@POSTGRESQL
def test_pages_and_feeds_answer_after_the_server_closed_the_apps_connections(
    app, client, login, feed
):
    user, _token, path = feed
    group_page = f"/groups/{user.memberships[0].group_id}"
    pids: set[int] = set()

    def remember(dbapi_connection, _record, _proxy):
        pids.add(dbapi_connection.info.backend_pid)

    # Only the connections this test's app uses (its ORM engine and the
    # feeds' fast path): nobody else's backend is touched.
    event.listen(Pool, "checkout", remember)
    try:
        login(user)
        assert client.get("/").status_code == 200
        assert feed_answers(client, path) == [200, 304, 200]
    finally:
        event.remove(Pool, "checkout", remember)
    db.session.close()
    assert len(pids) >= 2  # both engines
    terminate(pids)

    # Every request succeeds: none gets a dead connection.
    assert client.get("/").status_code == 200
    assert feed_answers(client, path) == [200, 304, 200]
    assert client.get(group_page).status_code == 200


def test_the_orm_engine_tests_each_connection_it_hands_out(app):
    assert db.engine.pool._pre_ping


def test_the_fast_path_reads_again_on_a_new_connection_when_it_lost_one(
    app, client, feed, monkeypatch, caplog
):
    _user, token, path = feed
    first = client.get(path)
    prepared, calls = feeds.PreparedResolve.__call__, []

    def lost_once(self, token_hash):
        calls.append(token_hash)
        if len(calls) == 1:
            raise db.engine.dialect.loaded_dbapi.OperationalError("server closed the connection")
        return prepared(self, token_hash)

    monkeypatch.setattr(feeds.PreparedResolve, "__call__", lost_once)
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304  # still answered before Flask
    assert len(calls) == 2
    assert "connection lost" in caplog.text
    assert token not in caplog.text


# --- A fault in the feeds' fast path ---------------------------------------------


def test_a_fault_in_the_fast_path_leaves_the_answer_to_flask(
    app, client, feed, monkeypatch, caplog
):
    _user, token, path = feed
    caplog.set_level(logging.DEBUG)
    first = client.get(path)

    def broken(self, token_hash):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(feeds.PreparedResolve, "__call__", broken)
    for headers in ({}, {"If-None-Match": first.headers["ETag"]}):
        response = client.get(path, headers=headers)
        assert response.status_code == 200  # the view's own answer
        assert response.data == first.data
        assert response.headers["Referrer-Policy"] == "no-referrer"
    failures = [r for r in caplog.records if r.name == fastpath.__name__]
    assert len(failures) == 2 and all(r.exc_info for r in failures)
    assert token not in caplog.text


def test_a_feed_whose_database_fails_gets_the_apps_own_500_page(
    app, client, feed, monkeypatch, caplog
):
    _user, token, path = feed
    caplog.set_level(logging.DEBUG)

    def broken(token, fetch=None):
        raise RuntimeError(f"injected fault at /feeds/{token}.ics")

    monkeypatch.setattr(feeds, "resolve", broken)  # the fast path's and the view's
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    response = client.get(path)
    assert response.status_code == 500
    assert t(app, "fr", "Something went wrong") in text_of(response)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Content-Security-Policy" in response.headers
    # Flask's own log line ("Exception on /feeds/… [GET]") and the tracebacks.
    assert "/feeds/[redacted].ics" in caplog.text
    assert token not in caplog.text


def test_gunicorns_error_log_keeps_the_path_but_not_its_secret(app, capsys, monkeypatch):
    """gunicorn's workers log a request that failed with its path ("Error
    handling request GET /feeds/….ics"), traceback included. The app installs
    the filter when it loads (wsgi.py, in each worker)."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    error_log = logging.getLogger("gunicorn.error")
    monkeypatch.setattr(error_log, "propagate", error_log.propagate)
    monkeypatch.setattr(error_log, "level", error_log.level)
    token = "Zx" * 22
    gunicorn_log = Logger(Config())  # as a gunicorn worker sets it up
    try:
        try:
            raise RuntimeError(f"bad request GET /feeds/{token}.ics")
        except RuntimeError:
            gunicorn_log.exception("Error handling request %s %s", "GET", f"/feeds/{token}.ics")
    finally:
        for handler in [h for h in error_log.handlers if getattr(h, "_gunicorn", False)]:
            error_log.removeHandler(handler)
    written = capsys.readouterr().err
    assert "Error handling request GET /feeds/[redacted].ics" in written
    assert "RuntimeError: bad request GET /feeds/[redacted].ics" in written
    assert token not in written


# --- The cache's Redis is down ---------------------------------------------------


def configured_cache(app, monkeypatch, redis_url: str):
    """The cache backend that the configuration builds with
    CACHE_REDIS_URL=redis_url, put in the place of the app's own."""
    monkeypatch.setenv("CACHE_REDIS_URL", redis_url)
    monkeypatch.delenv("CACHE_TYPE", raising=False)
    monkeypatch.setenv("CACHE_KEY_PREFIX", f"facilitator-test-{uuid.uuid4().hex}:")
    configured = Cache()
    configured.init_app(app, config=config.cache_settings())
    backend = app.extensions["cache"].pop(configured)
    monkeypatch.setitem(app.extensions["cache"], cache, backend)
    return backend


def test_pages_and_feeds_answer_when_the_caches_redis_is_down(
    app, client, login, feed, monkeypatch, caplog
):
    configured_cache(app, monkeypatch, DEAD_REDIS)
    user, _token, path = feed
    group_id = user.memberships[0].group_id
    login(user)
    for _ in range(2):
        assert client.get(f"/groups/{group_id}").status_code == 200
        assert client.get("/").status_code == 200
    assert feed_answers(client, path) == [200, 304, 200]
    warnings = [r for r in caplog.records if r.name == "facilitator.extensions"]
    assert len(warnings) == 1  # once, not on every page
    assert "cannot be reached" in warnings[0].getMessage()


def test_a_redis_that_failed_is_left_alone_a_while_then_asked_again(app, monkeypatch, caplog):
    backend = configured_cache(app, monkeypatch, DEAD_REDIS)
    asked = []
    connect = backend._read_client.connection_pool.get_connection
    monkeypatch.setattr(
        backend._read_client.connection_pool,
        "get_connection",
        lambda *args, **kwargs: asked.append(1) or connect(*args, **kwargs),
    )
    assert cache.get("k") is None and cache.set("k", b"v") is False
    assert cache.get("k") is None
    assert len(asked) == 1
    monkeypatch.setattr(backend, "_resting_until", time.monotonic() - 1)  # the rest is over
    assert cache.get("k") is None
    assert len(asked) == 2
    assert len([r for r in caplog.records if r.name == "facilitator.extensions"]) == 1


def test_a_redis_that_answers_holds_the_cache(app, monkeypatch):
    try:
        redis.Redis(port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = configured_cache(app, monkeypatch, "redis://127.0.0.1:6379/1")
    assert isinstance(backend, RedisCache)
    try:
        assert cache.set("k", b"calendar") is True
        assert cache.get("k") == b"calendar"
    finally:
        cache.delete("k")
