"""Groups that existed before the charter get the usual one, in their language."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import text

from facilitator.extensions import db
from facilitator.models import Charter, CharterVersion
from tests.test_migrations import empty_app  # noqa: F401 - the fixture

REVISION = "0013_charter"


def test_existing_groups_get_the_template_in_their_language_and_nobody_must_confirm_it(
    empty_app,  # noqa: F811
):
    directory = ScriptDirectory(current_app.config["MIGRATIONS_DIRECTORY"])
    upgrade(revision=directory.get_revision(REVISION).down_revision)
    with db.engine.begin() as conn:
        for language in ("fr", "it", "de"):
            conn.execute(
                text(
                    "INSERT INTO groups (name, description, theme, canton, language, timezone,"
                    " default_location, all_coresponsible, attendance_enabled, feed_title_mode,"
                    " listed, directory_title, town, accepting_newcomers, role_release_hours,"
                    " several_roles_per_meeting, feed_show_roles, version, created_at, updated_at)"
                    " VALUES (:name, '', 'other', 'VD', :language, 'Europe/Zurich', '', false,"
                    " false, 'full', false, '', '', true, 48, false, true, 1,"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"name": f"Groupe {language}", "language": language},
            )
    upgrade(revision=REVISION)
    rows = db.session.execute(
        text("SELECT g.language, g.id FROM groups g ORDER BY g.id")
    ).fetchall()
    for language, group_id in rows:
        kept = db.session.get(Charter, group_id)
        assert (kept.current_number, kept.required_number) == (1, 0)
        version = db.session.query(CharterVersion).filter_by(group_id=group_id).one()
        assert version.from_template and not version.must_reread
        assert version.author_id is None
        heading = {"fr": "Confidentialité", "it": "Riservatezza", "de": "Vertraulichkeit"}
        assert f"**{heading[language]}**" in version.text
        assert version.created_at.tzinfo is not None
