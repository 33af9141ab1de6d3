"""Coordination functions: the vocabulary (coordination_function) and what a service declares it offers

Revision ID: 0105_coord
Revises: 0104_search
Create Date: 2026-12-02 08:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0105_coord"
down_revision = "0104_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coordination_function",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_nl", sa.String(length=120), nullable=False),
        sa.Column("synonyms", sa.Text(), nullable=False),
        sa.Column("definition_fr", sa.Text(), nullable=False),
        sa.Column("definition_nl", sa.Text(), nullable=False),
        sa.Column("contrast_fr", sa.Text(), nullable=False),
        sa.Column("contrast_nl", sa.Text(), nullable=False),
        sa.Column("neighbours", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("service") as batch:
        batch.add_column(sa.Column("functions", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("function_conditions", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.drop_column("function_conditions")
        batch.drop_column("functions")
    op.drop_table("coordination_function")
