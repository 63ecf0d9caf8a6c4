"""indexes for a centre's statistics: each group's meetings of a period

Revision ID: 0022_centre_stats
Revises: 0017_welcome
Create Date: 2026-12-04 17:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_centre_stats'
down_revision = '0017_welcome'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_group_id_start', ['group_id', 'start'], unique=False)
        batch_op.create_index(
            'ix_meetings_group_id_original_start', ['group_id', 'original_start'], unique=False
        )


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_group_id_original_start')
        batch_op.drop_index('ix_meetings_group_id_start')
