"""email outbox and worker jobs

Revision ID: 0012_outbox
Revises: 0011_swaps_once
Create Date: 2026-12-03 17:58:44.267853

"""
from alembic import op
import sqlalchemy as sa
import facilitator.models._common  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0012_outbox'
down_revision = '0011_swaps_once'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('worker_jobs',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_run_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_jobs'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('meeting_key', sa.String(length=40), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_outbox_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['users.id'], name=op.f('fk_outbox_person_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_outbox_meeting', ['group_id', 'meeting_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_person_id'))
        batch_op.drop_index('ix_outbox_meeting')
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    op.drop_table('worker_jobs')
