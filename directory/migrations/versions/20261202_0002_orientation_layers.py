"""Orientation layers: map features (transport lines, water, parks) and transit stops

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 08:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("map_feature"):
        return  # a database made by create_all() and stamped at the first revision already has them
    op.create_table(
        "map_feature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("colour", sa.String(length=9), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("name_nl", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Float(), nullable=False),
        sa.Column("tunnel", sa.Boolean(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("map_feature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_feature_layer"), ["layer"], unique=False)
    op.create_table(
        "transit_stop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_nl", sa.String(length=120), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("modes", sa.String(length=40), nullable=False),
        sa.Column("metro_lines", sa.String(length=120), nullable=False),
        sa.Column("tram_lines", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("transit_stop")
    with op.batch_alter_table("map_feature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_feature_layer"))
    op.drop_table("map_feature")
