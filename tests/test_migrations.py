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
