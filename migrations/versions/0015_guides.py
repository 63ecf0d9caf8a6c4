"""role guides

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


def downgrade():
    with op.batch_alter_table('role_types', schema=None) as batch_op:
        batch_op.drop_column('guide')
