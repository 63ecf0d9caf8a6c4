"""rooms a centre lends to its groups; a series' (or a one-off's) room and its yearly confirmation

Revision ID: 0026_rooms
Revises: 0024_founding
Create Date: 2026-12-04 20:40:00

"""
from alembic import op
import sqlalchemy as sa
import facilitator.models._common  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = '0026_rooms'
down_revision = "0024_founding"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('address', sa.String(length=110), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('created_at', facilitator.models._common.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_rooms_centre_id_centres'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms'))
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rooms_centre_id'), ['centre_id'], unique=False)

    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('room_confirmed_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('room_reminded_for', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_series_room_id'), ['room_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meeting_series_room_id_rooms'), 'rooms', ['room_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meetings_room_id'), ['room_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meetings_room_id_rooms'), 'rooms', ['room_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_room_id_rooms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meetings_room_id'))
        batch_op.drop_column('room_id')

    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_series_room_id_rooms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meeting_series_room_id'))
        batch_op.drop_column('room_reminded_for')
        batch_op.drop_column('room_confirmed_until')
        batch_op.drop_column('room_id')

    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rooms_centre_id'))

    op.drop_table('rooms')
