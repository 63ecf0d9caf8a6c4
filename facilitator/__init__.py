"""facilitator: scheduling, roles and calendars for self-help groups."""

from __future__ import annotations

from flask import Flask


def _limit_only_decorated_routes(app: Flask, limiter) -> None:
    """Flask-Limiter checks every request in a before_request hook, for
    default and application-wide limits. We have none: the routes it protects
    (log-in, registration, password reset, contact) carry their limits as
    decorators, which check on their own. Without defaults the hook only
    costs time on every other request, so it goes. (Its after_request hook
    stays: it deducts the limits counted only on failure, deduct_when.)"""
    manager = limiter.limit_manager
    hooks = app.before_request_funcs.get(None, [])
    # (With RATELIMIT_ENABLED=false the limiter installs no hook at all.)
    if not (manager.default_limits or manager.application_limits) and (
        limiter._check_request_limit in hooks
    ):
        hooks.remove(limiter._check_request_limit)


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the application."""
    from facilitator import cli, errors, i18n, layout, security, worker
    from facilitator import config as settings
    from facilitator.blueprints import feedback, register_blueprints
    from facilitator.extensions import (
        cache,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
        reads_outside_transactions,
    )

    app = Flask(__name__, instance_relative_config=True)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.config.from_mapping(settings.from_environment())
    if config:
        app.config.from_mapping(config)
    settings.check(app.config)

    db.init_app(app)
    with app.app_context():
        reads_outside_transactions(db.engine)
    migrate.init_app(
        app,
        db,
        directory=app.config["MIGRATIONS_DIRECTORY"],
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    _limit_only_decorated_routes(app, limiter)
    cache.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    layout.init_app(app)
    # Feed polls are answered before Flask where they can be; inside
    # ProxyFix (security.init_app), so that they see the site's address.
    from facilitator.blueprints.feeds.fastpath import ConditionalFeeds

    app.wsgi_app = ConditionalFeeds(app.wsgi_app, app)
    security.init_app(app)
    errors.init_app(app)
    feedback.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    worker.init_app(app)
    return app
