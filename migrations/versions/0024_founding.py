"""founding a group: the hand-over link and the day of the hand-over

Revision ID: 0024_founding
Revises: 0023_referrals
Create Date: 2026-12-04 20:40:00

"""

from alembic import op
import sqlalchemy as sa
import facilitator.models._common  # noqa: F401 - custom column types


# revision identifiers, used by Alembic.
revision = "0024_founding"
down_revision = "0023_referrals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "handed_over_at",
                facilitator.models._common.UTCDateTime(timezone=True),
                nullable=True,
            )
        )

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handover", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("handover")

    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("handed_over_at")
