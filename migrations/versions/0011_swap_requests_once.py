"""the same swap request cannot be open twice

Revision ID: 0011_swaps_once
Revises: 0010
Create Date: 2026-12-03 09:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_swaps_once'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # Requests asked twice before this index: keep the first of each.
    op.execute(
        "DELETE FROM swap_requests WHERE id NOT IN (SELECT MIN(id) FROM swap_requests "
        "GROUP BY assignment_id, to_membership_id, COALESCE(other_assignment_id, 0))"
    )
    with op.batch_alter_table('swap_requests', schema=None) as batch_op:
        batch_op.create_index('uq_swap_requests_exchange', ['assignment_id', 'to_membership_id', 'other_assignment_id'], unique=True)
        batch_op.create_index('uq_swap_requests_hand_over', ['assignment_id', 'to_membership_id'], unique=True, sqlite_where=sa.text('other_assignment_id IS NULL'), postgresql_where=sa.text('other_assignment_id IS NULL'))


def downgrade():
    with op.batch_alter_table('swap_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_swap_requests_hand_over')
        batch_op.drop_index('uq_swap_requests_exchange')
