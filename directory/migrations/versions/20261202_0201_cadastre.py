"""Cadastre: candidates (services a source names, for coordinators) and the source date of a fiche

Revision ID: 0201_cadastre
Revises: 0003
Create Date: 2026-12-02 07:40:41.449735
"""

import sqlalchemy as sa
from alembic import op

revision = "0201_cadastre"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending", "published", "merged", "dismissed", name="candidatestatus", native_enum=False, length=30
            ),
            nullable=False,
        ),
        sa.Column("name_fr", sa.String(length=320), nullable=False),
        sa.Column("name_nl", sa.String(length=320), nullable=False),
        sa.Column("organization_fr", sa.String(length=320), nullable=False),
        sa.Column("organization_nl", sa.String(length=320), nullable=False),
        sa.Column("bce_number", sa.String(length=12), nullable=True),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("postcode", sa.String(length=4), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("commune_nis", sa.String(length=8), nullable=True),
        sa.Column("bassin_code", sa.String(length=20), nullable=True),
        sa.Column("area_note", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("source_date_text", sa.String(length=200), nullable=False),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.Column("licence", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("duplicate_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_score", sa.Integer(), nullable=True),
        sa.Column("duplicate_reasons", sa.JSON(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("gone_from_source", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bassin_code"],
            ["bassin.code"],
        ),
        sa.ForeignKeyConstraint(
            ["commune_nis"],
            ["commune.nis"],
        ),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["duplicate_id"], ["service.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_id"),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_bassin_code"), ["bassin_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_bce_number"), ["bce_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_commune_nis"), ["commune_nis"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_status"), ["status"], unique=False)

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_date", sa.Date(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_column("source_date")

    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_status"))
        batch_op.drop_index(batch_op.f("ix_candidate_commune_nis"))
        batch_op.drop_index(batch_op.f("ix_candidate_bce_number"))
        batch_op.drop_index(batch_op.f("ix_candidate_bassin_code"))

    op.drop_table("candidate")
