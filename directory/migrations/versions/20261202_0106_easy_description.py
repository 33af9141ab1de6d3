"""Easy-read line: one short sentence in everyday words that a service writes for the easy-read cards

Revision ID: 0106_easy
Revises: 0105_coord
Create Date: 2026-12-02 11:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0106_easy"
down_revision = "0105_coord"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service") as batch_op:
        batch_op.add_column(sa.Column("easy_description_fr", sa.String(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("easy_description_nl", sa.String(length=120), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("service") as batch_op:
        batch_op.drop_column("easy_description_nl")
        batch_op.drop_column("easy_description_fr")
