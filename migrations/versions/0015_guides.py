"""role guides, meeting outlines, themes and online links

Revision ID: 0015_guides
Revises: 0012_outbox
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_guides'
down_revision = '0012_outbox'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('role_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guide', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outline', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('online_link', sa.String(length=300), nullable=False, server_default=''))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('outline', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('online_link', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('online_link')
        batch_op.drop_column('outline')
        batch_op.drop_column('theme')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_column('online_link')
        batch_op.drop_column('outline')
    with op.batch_alter_table('role_types', schema=None) as batch_op:
        batch_op.drop_column('guide')
