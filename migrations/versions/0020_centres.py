"""self-help centres, their staff and staff actions; groups attached to a centre

Revision ID: 0020_centres
Revises: 0015_guides
Create Date: 2026-12-04 16:39:41.742959

"""
from alembic import op
import sqlalchemy as sa
import facilitator.models._common  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0020_centres'
down_revision = '0015_guides'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('centres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('cantons', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('created_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centres')),
    sa.UniqueConstraint('name', name=op.f('uq_centres_name'))
    )
    op.create_table('centre_staff',
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_centre_staff_centre_id_centres'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_centre_staff_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('centre_id', 'user_id', name=op.f('pk_centre_staff'))
    )
    with op.batch_alter_table('centre_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_centre_staff_user_id'), ['user_id'], unique=False)

    op.create_table('staff_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_staff_actions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_staff_actions_centre_id_centres'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_staff_actions_group_id_groups'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_actions'))
    )
    with op.batch_alter_table('staff_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_actions_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_actions_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('centre_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('founding', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('share_signals', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('share_figures', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_groups_centre_id'), ['centre_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_groups_centre_id_centres'), 'centres', ['centre_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_admin')

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_groups_centre_id_centres'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_groups_centre_id'))
        batch_op.drop_column('share_figures')
        batch_op.drop_column('share_signals')
        batch_op.drop_column('founding')
        batch_op.drop_column('centre_id')

    with op.batch_alter_table('staff_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_actions_created_at'))
        batch_op.drop_index(batch_op.f('ix_staff_actions_centre_id'))

    op.drop_table('staff_actions')
    with op.batch_alter_table('centre_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_centre_staff_user_id'))

    op.drop_table('centre_staff')
    op.drop_table('centres')
