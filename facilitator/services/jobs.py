"""The worker's scheduled jobs and its heartbeat.

A job runs at most once per period across every worker: ``claim`` locks the
job's row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; a worker that finds it
locked skips it), and the job's own changes commit with its new
``last_run_at``. With SQLite, run a single worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from facilitator.extensions import db
from facilitator.models.outbox import WorkerJob

HEARTBEAT = "heartbeat"
# A worker writes its heartbeat at most this often.
BEAT_EVERY = timedelta(minutes=1)


def _row(name: str) -> WorkerJob | None:
    """The job's row, locked for this transaction; None when another worker
    holds it. Created the first time (two workers creating it at once: one
    wins, the other reads it)."""
    query = select(WorkerJob).where(WorkerJob.name == name).with_for_update(skip_locked=True)
    row = db.session.scalars(query).first()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            db.session.add(WorkerJob(name=name))
    except IntegrityError:
        pass
    return db.session.scalars(query).first()


def claim(name: str, every: timedelta, now: datetime) -> bool:
    """Whether this worker runs job ``name`` now: it is due (never ran, or
    last ran ``every`` ago) and no other worker holds it. A claimed job is
    marked run at ``now``; the caller runs it and commits."""
    row = _row(name)
    if row is None or (row.last_run_at is not None and now - row.last_run_at < every):
        return False
    row.last_run_at = now
    return True


def beat(now: datetime) -> None:
    """Say that a worker is alive (at most once a minute)."""
    claim(HEARTBEAT, BEAT_EVERY, now)


def last_seen() -> datetime | None:
    """When a worker last said it was alive."""
    return db.session.scalar(select(WorkerJob.last_run_at).where(WorkerJob.name == HEARTBEAT))
