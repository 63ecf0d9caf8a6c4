"""The web layer: one blueprint per area."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

from facilitator.models._common import MAX_ID


class IdConverter(IntegerConverter):
    """``<int:...>`` in our URLs: a number beyond PostgreSQL's integer range
    matches no route (404) instead of reaching the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app) -> None:
    app.url_map.converters["int"] = IdConverter
    from facilitator.blueprints.account import bp as account_bp
    from facilitator.blueprints.attendance import bp as attendance_bp
    from facilitator.blueprints.auth import bp as auth_bp
    from facilitator.blueprints.centre_directory import bp as centre_directory_bp
    from facilitator.blueprints.centre_founding import bp as centre_founding_bp
    from facilitator.blueprints.centre_requests import bp as centre_requests_bp
    from facilitator.blueprints.centre_stats import bp as centre_stats_bp
    from facilitator.blueprints.centres import admin_bp, group_bp
    from facilitator.blueprints.centres import bp as centres_bp
    from facilitator.blueprints.charter import bp as charter_bp
    from facilitator.blueprints.directory import bp as directory_bp
    from facilitator.blueprints.feeds import bp as feeds_bp
    from facilitator.blueprints.groups import bp as groups_bp
    from facilitator.blueprints.main import bp as main_bp
    from facilitator.blueprints.meetings import bp as meetings_bp
    from facilitator.blueprints.polls import bp as polls_bp
    from facilitator.blueprints.roles import bp as roles_bp
    from facilitator.blueprints.rooms import bp as rooms_bp
    from facilitator.blueprints.shape import bp as shape_bp
    from facilitator.blueprints.themes import bp as themes_bp
    from facilitator.blueprints.welcome import bp as welcome_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(groups_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(roles_bp)
    app.register_blueprint(shape_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(polls_bp)
    app.register_blueprint(charter_bp)
    app.register_blueprint(themes_bp)
    app.register_blueprint(welcome_bp)
    app.register_blueprint(centres_bp, url_prefix="/centres")
    app.register_blueprint(group_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(centre_stats_bp)
    app.register_blueprint(centre_directory_bp)
    app.register_blueprint(centre_requests_bp)
    app.register_blueprint(rooms_bp)
    app.register_blueprint(centre_founding_bp)
