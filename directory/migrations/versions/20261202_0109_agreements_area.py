"""Fiche fields agreements_fr/_nl (who recognises or subsidises the service) and area_served_fr/_nl (its territory)

Revision ID: 0109_agreements
Revises: 0108_dash
Create Date: 2026-12-02 14:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0109_agreements"
down_revision = "0108_dash"
branch_labels = None
depends_on = None

COLUMNS = ("agreements_fr", "agreements_nl", "area_served_fr", "area_served_nl")


def upgrade() -> None:
    with op.batch_alter_table("service") as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("service") as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
