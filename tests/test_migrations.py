"""The migrations build the schema the models describe, and undo it."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from facilitator import create_app
from facilitator.extensions import db
from tests.conftest import isolated_database, test_config


@pytest.fixture
def empty_app(tmp_path_factory, tmp_path):
    with isolated_database(tmp_path_factory, "migrations") as (uri, options):
        app = create_app(test_config(uri, options, tmp_path))
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_all(empty_app):
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert {m.name for m in db.metadata.sorted_tables} <= tables
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def _insert(conn, table: str, **values):
    """A row with ``values``, every other required column given a plain value."""
    from datetime import UTC, datetime

    from sqlalchemy import Boolean, DateTime, Integer, column, insert
    from sqlalchemy import table as table_

    for col in inspect(conn).get_columns(table):
        if col["name"] in values or col["nullable"] or col.get("default") is not None:
            continue
        if col["name"] == "id":
            continue
        kind = col["type"]
        values[col["name"]] = (
            False
            if isinstance(kind, Boolean)
            else 1
            if isinstance(kind, Integer)
            else datetime.now(UTC)
            if isinstance(kind, DateTime)
            else "x"
        )
    conn.execute(insert(table_(table, *[column(name) for name in values])).values(**values))


def test_the_usual_roles_of_existing_groups_get_their_guides_in_the_groups_language(empty_app):
    """Revision 0015 gives the five usual roles of an older group their guide,
    matched by name in the group's language; other roles keep none."""
    from sqlalchemy import text

    upgrade(revision="0012_outbox")
    with db.engine.begin() as conn:
        _insert(conn, "groups", id=1, name="Ancien", canton="VD", language="fr")
        _insert(conn, "groups", id=2, name="Vecchio", canton="TI", language="it")
        for group_id, name in ((1, "Gardien·ne du temps"), (1, "Café"), (2, "Conduzione")):
            _insert(conn, "role_types", group_id=group_id, name=name, description="")
    upgrade()
    with db.engine.connect() as conn:
        guides = dict(conn.execute(text("SELECT name, guide FROM role_types")).all())
    assert guides["Gardien·ne du temps"].startswith("Avant la rencontre\u202f:\n")
    assert "Signaler discrètement" in guides["Gardien·ne du temps"]
    assert guides["Conduzione"].startswith("Prima dell'incontro:\n- Rileggere il tema")
    assert guides["Café"] == ""
    downgrade(revision="base")
