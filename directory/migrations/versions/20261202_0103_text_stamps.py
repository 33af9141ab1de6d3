"""FR and NL in step: when each language of a bilingual field was written (text_stamp)

Revision ID: 0103_selfserve
Revises: 0102_selfserve
Create Date: 2026-12-02 08:16:42.790323
"""

import sqlalchemy as sa
from alembic import op

revision = "0103_selfserve"
down_revision = "0102_selfserve"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_stamp",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("other_written_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "field", "lang"),
    )


def downgrade() -> None:
    op.drop_table("text_stamp")
