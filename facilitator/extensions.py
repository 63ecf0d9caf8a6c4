"""Flask extensions, created once and bound to the app in ``create_app``."""

import logging
import time

from flask_babel import Babel
from flask_caching import Cache
from flask_caching.backends import RedisCache as FlaskCachingRedisCache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from redis import RedisError
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import TextualSelect

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Every connection is tested (pool_pre_ping: one empty statement, ";" on
# PostgreSQL) when it leaves the pool: a connection the server closed (a
# restart, a failover, an idle timeout, pg_terminate_backend) is replaced
# there, instead of failing the request that got it. SQLALCHEMY_ENGINE_OPTIONS
# adds to these options or overrides them.
db = SQLAlchemy(model_class=Base, engine_options={"pool_pre_ping": True})
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
# Rendered fragments and feeds: the process's memory by default, Redis in
# production (CACHE_TYPE, CACHE_REDIS_URL; see config.py).
cache = Cache()

log = logging.getLogger(__name__)


class RedisCache(FlaskCachingRedisCache):
    """Flask-Caching's Redis backend, except that a Redis that cannot be
    reached is an empty cache instead of an error: reads miss, writes are
    dropped, and every page and feed computes what it needs. (Flask-Caching
    raises redis' ConnectionError from ``get`` and ``set``, a 500 on every
    page that uses the cache.) Every key names the versions its value depends
    on, so a cache that missed for a while serves nothing stale afterwards.

    One warning is logged when Redis fails; it is then left alone for
    ``RETRY_AFTER`` seconds, so that a Redis that hangs until its socket
    timeout (config.py) slows one request in that time, not every one."""

    RETRY_AFTER = 30.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._resting_until = 0.0  # while Redis failed recently: not asked

    def _attempt(self, missed, method, *args, **kwargs):
        if self._resting_until > time.monotonic():
            return missed
        try:
            result = method(self, *args, **kwargs)
        except RedisError as error:
            if not self._resting_until:
                log.warning("The cache (Redis) cannot be reached, pages are computed: %s", error)
            self._resting_until = time.monotonic() + self.RETRY_AFTER
            return missed
        if self._resting_until:
            log.warning("The cache (Redis) answers again")
            self._resting_until = 0.0
        return result

    def get(self, key):
        return self._attempt(None, FlaskCachingRedisCache.get, key)

    def get_many(self, *keys):
        return self._attempt([None] * len(keys), FlaskCachingRedisCache.get_many, *keys)

    def has(self, key):
        return self._attempt(False, FlaskCachingRedisCache.has, key)

    def set(self, key, value, timeout=None):
        return self._attempt(False, FlaskCachingRedisCache.set, key, value, timeout)

    def add(self, key, value, timeout=None):
        return self._attempt(False, FlaskCachingRedisCache.add, key, value, timeout)

    def set_many(self, mapping, timeout=None):
        return self._attempt([], FlaskCachingRedisCache.set_many, mapping, timeout)

    def delete(self, key):
        return self._attempt(False, FlaskCachingRedisCache.delete, key)

    def delete_many(self, *keys):
        return self._attempt([], FlaskCachingRedisCache.delete_many, *keys)

    def unlink(self, *keys):
        return self._attempt(None, FlaskCachingRedisCache.unlink, *keys)

    def inc(self, key, delta=1):
        return self._attempt(None, FlaskCachingRedisCache.inc, key, delta)

    def dec(self, key, delta=1):
        return self._attempt(None, FlaskCachingRedisCache.dec, key, delta)

    def clear(self):
        return self._attempt(False, FlaskCachingRedisCache.clear)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite enforces foreign keys (and so ON DELETE rules) only when asked."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def reads_outside_transactions(engine: Engine) -> None:
    """On PostgreSQL (psycopg), plain reads run without a transaction: no
    BEGIN before the first query of a request, no ROLLBACK after the last,
    two network round trips saved on every page that only reads.

    Each connection is handed out in autocommit; the first statement that is
    not a plain SELECT (a write, a SELECT ... FOR UPDATE, any text SQL, a
    savepoint) switches it back first, so that from there on everything runs
    in one transaction as before, committed or rolled back as the code says.
    Under READ COMMITTED, PostgreSQL's default and ours, each statement sees
    its own snapshot anyway: a read gives the same rows inside or outside a
    transaction. A connection that asked for AUTOCOMMIT itself is left alone.
    """
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return  # SQLite's BEGIN and ROLLBACK cost no round trip

    @event.listens_for(engine, "checkout")
    def _reads_in_autocommit(dbapi_connection, connection_record, connection_proxy):
        dbapi_connection.autocommit = True

    def _in_a_transaction(connection) -> None:
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.autocommit:
            dbapi_connection.autocommit = False  # the next statement sends BEGIN

    @event.listens_for(engine, "before_cursor_execute")
    def _writes_in_a_transaction(connection, cursor, statement, parameters, context, many):
        if not _plain_select(context):
            _in_a_transaction(connection)

    @event.listens_for(engine, "savepoint")
    def _savepoints_in_a_transaction(connection, name):
        _in_a_transaction(connection)


def _plain_select(context) -> bool:
    """A SELECT built by SQLAlchemy, without FOR UPDATE/SHARE: it locks and
    changes nothing."""
    compiled = getattr(context, "compiled", None)
    statement = getattr(compiled, "statement", None)
    return (
        getattr(statement, "is_select", False)
        and not isinstance(statement, (TextClause, TextualSelect))
        and getattr(statement, "_for_update_arg", None) is None
    )
