"""Settings read from environment variables, with safe defaults.

Every setting can be overridden by an environment variable of the same name.
``FACILITATOR_ENV`` selects ``development`` (the embedded SQLite database, mail
written to files under ``instance/``) or ``production`` (the default: a real
``SECRET_KEY`` is required).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - refused in production


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs given without a driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def cache_settings() -> dict:
    """Flask-Caching's settings: SimpleCache (this process's memory) unless
    ``CACHE_REDIS_URL`` or ``CACHE_TYPE`` says otherwise."""
    redis_url = os.environ.get("CACHE_REDIS_URL") or None
    cache_type = os.environ.get("CACHE_TYPE", "RedisCache" if redis_url else "SimpleCache")
    redis = {}
    if cache_type in ("RedisCache", "redis"):
        # Ours: Redis down is an empty cache, not a 500 (extensions.RedisCache),
        # and a Redis that does not answer is given up after a second.
        cache_type = "facilitator.extensions.RedisCache"
        redis["CACHE_OPTIONS"] = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
    return {
        "CACHE_TYPE": cache_type,
        **redis,
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "facilitator:"),
        # Every key names what its value depends on; the timeout only bounds
        # the memory that stale entries hold.
        "CACHE_DEFAULT_TIMEOUT": _int("CACHE_DEFAULT_TIMEOUT", 24 * 3600),
        "CACHE_THRESHOLD": _int("CACHE_THRESHOLD", 2000),
    }


def from_environment() -> dict:
    """Return the configuration mapping built from ``os.environ``."""
    env = os.environ.get("FACILITATOR_ENV", "production").strip().lower()
    production = env == "production"
    return {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": database_url(
            os.environ.get("DATABASE_URL", "sqlite:///facilitator.sqlite")
        ),
        # Uploads and forms: anything larger gets a translated 413 page.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 512 * 1024),
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Pages send no Referer (Referrer-Policy: no-referrer, so that secret
        # feed and invitation links never leak), hence no Referer check over
        # HTTPS: the CSRF token and SameSite cookies protect the forms.
        "WTF_CSRF_SSL_STRICT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        # Every validator carries our own translated message; loading WTForms'
        # catalogs on each request would cost time for nothing.
        "WTF_I18N_ENABLED": False,
        "PREFERRED_URL_SCHEME": os.environ.get(
            "PREFERRED_URL_SCHEME", "https" if production else "http"
        ),
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        # Links in emails sent by flask commands (no request to take them from).
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        # Links sent by email stay valid this long.
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 3600),
        "EMAIL_CONFIRM_MAX_AGE": _int("EMAIL_CONFIRM_MAX_AGE", 24 * 3600),
        # Mail: "smtp" in production, "file" writes .eml files under instance/mail.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp" if production else "file"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS"), True),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL"), False),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "facilitator <no-reply@localhost>"
        ),
        # Who sends the outbox's emails: "worker" (the `flask worker` process,
        # production), "thread" (a thread of the app's process, development),
        # "inline" (right after the commit, in the request: the tests).
        "OUTBOX_DRAIN": os.environ.get("OUTBOX_DRAIN", "worker" if production else "thread"),
        "WORKER_POLL_SECONDS": _int("WORKER_POLL_SECONDS", 5),
        "REMINDERS_EVERY_MINUTES": _int("REMINDERS_EVERY_MINUTES", 15),
        "PURGE_EVERY_HOURS": _int("PURGE_EVERY_HOURS", 24),
        # Health signals (services/health_signals.py): a group that held no
        # meeting for this many weeks shows "no meeting" to itself and, if it
        # shares its signals, to its centre's staff.
        "HEALTH_QUIET_WEEKS": _int("HEALTH_QUIET_WEEKS", 6),
        # Rate limits (Flask-Limiter): memory by default, Redis in production,
        # e.g. RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        # Redis down must not lock everyone out of logging in: the limits then
        # count in the process's memory (Flask-Limiter logs a warning) until
        # Redis answers again.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Rendered fragments and feeds (Flask-Caching): the process's memory by
        # default, Redis with several processes, e.g.
        # CACHE_REDIS_URL=redis://127.0.0.1:6379/1 (CACHE_TYPE becomes RedisCache).
        **cache_settings(),
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_IP": os.environ.get("LOGIN_LIMIT_PER_IP", "20 per 5 minutes"),
        # Failed log-ins to one account from one address, and from all
        # addresses; a device that logged in to the account before is exempt
        # from both (KNOWN_DEVICE_DAYS), never from the limit per address.
        "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": os.environ.get(
            "LOGIN_LIMIT_PER_ACCOUNT_AND_IP", "5 per 5 minutes"
        ),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "100 per hour"),
        "KNOWN_DEVICE_DAYS": _int("KNOWN_DEVICE_DAYS", 365),
        "MAIL_LIMIT_PER_IP": os.environ.get("MAIL_LIMIT_PER_IP", "10 per hour"),
        "MAIL_LIMIT_PER_ACCOUNT": os.environ.get("MAIL_LIMIT_PER_ACCOUNT", "3 per hour"),
        "CONTACT_LIMIT_PER_IP": os.environ.get("CONTACT_LIMIT_PER_IP", "5 per hour"),
        "CONTACT_LIMIT_PER_GROUP": os.environ.get("CONTACT_LIMIT_PER_GROUP", "20 per day"),
        # Visitors' requests to a self-help centre (per address: CONTACT_LIMIT_PER_IP).
        "REFERRAL_LIMIT_PER_CENTRE": os.environ.get("REFERRAL_LIMIT_PER_CENTRE", "50 per day"),
        # Behind a reverse proxy: how many proxies set X-Forwarded-* headers.
        "PROXY_FIX_HOPS": _int("PROXY_FIX_HOPS", 0),
        "BABEL_DEFAULT_LOCALE": "fr_CH",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Zurich",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "MIGRATIONS_DIRECTORY": str(ROOT / "migrations"),
    }


class ConfigurationError(RuntimeError):
    """The application refuses to start with an unsafe configuration."""


def check(config: dict) -> None:
    """Refuse to run in production with the development secret key."""
    if config.get("ENV_NAME") == "production" and not config.get("TESTING"):
        key = config.get("SECRET_KEY") or ""
        if key == DEV_SECRET_KEY or len(key) < 16:
            raise ConfigurationError(
                "SECRET_KEY must be set to a long random value in production "
                "(or set FACILITATOR_ENV=development for local use)."
            )
