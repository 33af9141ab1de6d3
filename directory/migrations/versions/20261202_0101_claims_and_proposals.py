"""Claims on fiches ("this is my organisation") and proposed services ("add a service")

Revision ID: 0101_selfserve
Revises: 0002
Create Date: 2026-12-02 07:41:26.976793
"""

import sqlalchemy as sa
from alembic import op

revision = "0101_selfserve"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "awaiting_email", "pending", "granted", "refused", name="requeststatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_status"), ["status"], unique=False)

    op.create_table(
        "service_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("organization_name", sa.String(length=200), nullable=False),
        sa.Column("bce_number", sa.String(length=12), nullable=False),
        sa.Column("site_of_id", sa.Integer(), nullable=True),
        sa.Column("proposer_name", sa.String(length=200), nullable=False),
        sa.Column("proposer_email", sa.String(length=254), nullable=False),
        sa.Column("proposer_role", sa.String(length=200), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "awaiting_email", "pending", "granted", "refused", name="requeststatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["site_of_id"], ["service.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_proposal_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_proposal_status"))

    op.drop_table("service_proposal")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_status"))
        batch_op.drop_index(batch_op.f("ix_claim_service_id"))
        batch_op.drop_index(batch_op.f("ix_claim_organization_id"))

    op.drop_table("claim")
