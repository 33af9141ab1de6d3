"""Bassin dashboard: the population of each area (for rates per 10,000 inhabitants), an index on service.updated_at

Revision ID: 0108_dash
Revises: 0107_fnloc
Create Date: 2026-12-02 10:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0108_dash"
down_revision = "0107_fnloc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_population",
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("level", "code"),
    )
    op.create_index("ix_service_updated_at", "service", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_service_updated_at", table_name="service")
    op.drop_table("area_population")
