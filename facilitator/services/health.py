"""The health check's findings: is the database reachable, are its
migrations current, how far behind is the outbox, when was a worker last seen.
No secret and no personal data: counts and ages only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from facilitator.extensions import db
from facilitator.services import jobs, outbox

# A worker that has not said it is alive for this long is missing.
WORKER_MISSING_AFTER = timedelta(minutes=5)

OK = "ok"
DEGRADED = "degraded"  # pages work; email lags behind (no worker, stuck emails)
FAILING = "failing"  # pages cannot work: no database, or not migrated


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """The revisions the code expects the database to be at."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


@dataclass
class Health:
    status: str = OK
    checks: dict[str, object] = field(default_factory=dict)

    def worse(self, status: str) -> None:
        order = [OK, DEGRADED, FAILING]
        if order.index(status) > order.index(self.status):
            self.status = status


def check(now: datetime, heads: frozenset[str], worker_expected: bool) -> Health:
    """What is well and what is not; ``worker_expected``: emails are sent by a
    ``flask worker`` process (not by a thread of the app's own process)."""
    health = Health()
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                current = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
            except SQLAlchemyError:
                current = set()
    except SQLAlchemyError:
        health.checks["database"] = "unreachable"
        health.worse(FAILING)
        return health
    health.checks["database"] = OK
    migrated = current == set(heads)
    health.checks["migrations"] = OK if migrated else "not current"
    if not migrated:
        health.worse(FAILING)
        return health
    backlog = outbox.backlog(now)
    health.checks["outbox_waiting"] = backlog.waiting
    health.checks["outbox_stuck"] = backlog.stuck
    health.checks["outbox_given_up_last_day"] = backlog.failed_recently
    if backlog.stuck:
        health.worse(DEGRADED)
    seen = jobs.last_seen()
    health.checks["worker_seen_seconds_ago"] = (
        None if seen is None else max(int((now - seen).total_seconds()), 0)
    )
    if worker_expected and (seen is None or now - seen > WORKER_MISSING_AFTER):
        health.worse(DEGRADED)
    return health
