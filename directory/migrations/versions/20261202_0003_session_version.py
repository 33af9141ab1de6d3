"""Session version per user: sign-out and role changes revoke sessions

Revision ID: 0003
Revises: 0103_selfserve
Create Date: 2026-12-02 07:32:14.814632
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0103_selfserve"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_version")
