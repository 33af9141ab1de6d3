"""Functions per location: a service declares a coordination function at one of its locations, with its conditions

Revision ID: 0107_fnloc
Revises: 0106_easy
Create Date: 2026-12-02 11:30:00

What a service offers at every location stays where it is (service.functions / service.function_conditions): it
is not moved, so nothing is lost and the readers of those columns keep working; this table adds the declarations
that hold at one location only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0107_fnloc"
down_revision = "0106_easy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_function",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("function", sa.String(length=40), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["function"], ["coordination_function.code"]),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "location_id", "function", name="uq_service_function"),
    )
    with op.batch_alter_table("service_function") as batch:
        batch.create_index(batch.f("ix_service_function_location_id"), ["location_id"], unique=False)
        batch.create_index(batch.f("ix_service_function_service_id"), ["service_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_function") as batch:
        batch.drop_index(batch.f("ix_service_function_service_id"))
        batch.drop_index(batch.f("ix_service_function_location_id"))
    op.drop_table("service_function")
