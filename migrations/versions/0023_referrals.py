"""listing through the centre (listing requests), visitors' requests to a centre (referrals), contact messages forwarded by a centre

Revision ID: 0023_referrals
Revises: 0022_centre_stats
Create Date: 2026-12-04 17:00:00

"""
from alembic import op
import sqlalchemy as sa
import facilitator.models._common  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0023_referrals'
down_revision = '0022_centre_stats'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('listing_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_listing_requests_centre_id_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_listing_requests_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_requests')),
    sa.UniqueConstraint('group_id', name=op.f('uq_listing_requests_group_id'))
    )
    with op.batch_alter_table('listing_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_requests_centre_id'), ['centre_id'], unique=False)

    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('sender_name', sa.String(length=80), nullable=False),
    sa.Column('sender_contact', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('forwarded_group_id', sa.Integer(), nullable=True),
    sa.Column('created_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_referrals_centre_id_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['forwarded_group_id'], ['groups.id'], name=op.f('fk_referrals_forwarded_group_id_groups'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('contact_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('centre_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contact_messages_centre_id_centres'), 'centres', ['centre_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('contact_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contact_messages_centre_id_centres'), type_='foreignkey')
        batch_op.drop_column('centre_id')

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_created_at'))
        batch_op.drop_index(batch_op.f('ix_referrals_centre_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('listing_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_requests_centre_id'))

    op.drop_table('listing_requests')
