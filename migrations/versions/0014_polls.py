"""polls for group decisions: polls, options, ballots (keyed hashes), choices, open voters

Revision ID: 0014_polls
Revises: 0012_outbox
Create Date: 2026-12-03 18:34:39.851242

"""
from alembic import op
import sqlalchemy as sa
import facilitator.models._common  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0014_polls'
down_revision = '0012_outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('multiple', sa.Boolean(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('live_results', sa.Boolean(), nullable=False),
    sa.Column('closes_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_polls_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_polls_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_polls_meeting_id_meetings'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polls'))
    )
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_polls_group_id'), ['group_id'], unique=False)

    op.create_table('poll_ballots',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('voter', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'voter', name=op.f('pk_poll_ballots'))
    )
    op.create_table('poll_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('at', sa.Time(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_options_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_options')),
    sa.UniqueConstraint('poll_id', 'id', name='uq_poll_options_poll_id_id')
    )
    with op.batch_alter_table('poll_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_options_poll_id'), ['poll_id'], unique=False)

    op.create_table('poll_choices',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('voter', sa.String(length=64), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id', 'option_id'], ['poll_options.poll_id', 'poll_options.id'], name='fk_poll_choices_option', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['poll_id', 'voter'], ['poll_ballots.poll_id', 'poll_ballots.voter'], name='fk_poll_choices_ballot', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'voter', 'option_id', name=op.f('pk_poll_choices'))
    )
    with op.batch_alter_table('poll_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_choices_option_id'), ['option_id'], unique=False)

    op.create_table('poll_open_voters',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('voter', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['poll_id', 'voter'], ['poll_ballots.poll_id', 'poll_ballots.voter'], name='fk_poll_open_voters_ballot', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_poll_open_voters_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('poll_id', 'voter', name=op.f('pk_poll_open_voters'))
    )
    with op.batch_alter_table('poll_open_voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_open_voters_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('poll_open_voters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_open_voters_user_id'))

    op.drop_table('poll_open_voters')
    with op.batch_alter_table('poll_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_choices_option_id'))

    op.drop_table('poll_choices')
    with op.batch_alter_table('poll_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_options_poll_id'))

    op.drop_table('poll_options')
    op.drop_table('poll_ballots')
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_polls_group_id'))

    op.drop_table('polls')
