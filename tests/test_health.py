"""/healthz: 200 while pages can be served, 503 when they cannot; email
lagging behind shows as "degraded"; counts and ages only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from facilitator.extensions import db
from facilitator.models import OutboxMessage
from facilitator.models._common import utcnow
from facilitator.services import jobs, unit


@pytest.fixture
def behind(app):
    """The database one migration behind the code (then put back)."""
    with db.engine.begin() as conn:
        heads = list(conn.scalars(text("SELECT version_num FROM alembic_version")))
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    yield
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        for head in heads:
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})


def test_a_healthy_instance_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["migrations"] == "ok"
    assert response.json["checks"]["outbox_waiting"] == 0
    assert response.headers["Cache-Control"] == "no-store"


def test_a_database_not_migrated_fails_the_check(client, behind):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {
        "status": "failing",
        "checks": {"database": "ok", "migrations": "not current"},
    }


def test_a_database_that_cannot_be_reached_fails_the_check(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.engine, "connect", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "failing", "checks": {"database": "unreachable"}}


def test_a_missing_worker_is_reported_without_taking_the_site_down(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DRAIN", "worker")
    never = client.get("/healthz")
    assert (never.status_code, never.json["status"]) == (200, "degraded")
    assert never.json["checks"]["worker_seen_seconds_ago"] is None
    jobs.beat(utcnow() - timedelta(seconds=30))
    unit.commit()
    seen = client.get("/healthz")
    assert seen.json["status"] == "ok"
    assert 25 <= seen.json["checks"]["worker_seen_seconds_ago"] <= 120


def test_stuck_emails_are_counted_and_nothing_personal_is_shown(app, client, make_user):
    user = make_user("Ben")
    db.session.add(
        OutboxMessage(
            message="To: ben@example.org\n\nsecret link",
            person_id=user.id,
            created_at=utcnow() - timedelta(hours=2),
        )
    )
    unit.commit()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["checks"]["outbox_stuck"] == 1
    body = response.get_data(as_text=True)
    assert "example.org" not in body and "secret" not in body
