"""theme proposals and their support (keyed hashes)

Revision ID: 0016_themes
Revises: 0020_centres
Create Date: 2026-12-11 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import facilitator.models._common  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0016_themes'
down_revision = '0020_centres'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('theme_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=120), nullable=False),
    sa.Column('text_key', sa.String(length=64), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_theme_proposals_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_theme_proposals_meeting_id_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['memberships.id'], name=op.f('fk_theme_proposals_proposed_by_id_memberships'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_proposals')),
    sa.UniqueConstraint('group_id', 'text_key', name=op.f('uq_theme_proposals_group_id'))
    )
    with op.batch_alter_table('theme_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_proposals_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_proposals_proposed_by_id'), ['proposed_by_id'], unique=False)

    op.create_table('theme_supports',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('supporter', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['theme_proposals.id'], name=op.f('fk_theme_supports_proposal_id_theme_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'supporter', name=op.f('pk_theme_supports'))
    )


def downgrade():
    op.drop_table('theme_supports')
    with op.batch_alter_table('theme_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_proposals_proposed_by_id'))
        batch_op.drop_index(batch_op.f('ix_theme_proposals_meeting_id'))

    op.drop_table('theme_proposals')
