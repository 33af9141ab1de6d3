"""Initial schema, as db.create_all() made it before migrations

Revision ID: 0001
Revises:
Create Date: 2026-12-02 07:23:40.042663
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("street_fr", sa.String(length=200), nullable=False),
        sa.Column("street_nl", sa.String(length=200), nullable=False),
        sa.Column("street_key_fr", sa.String(length=200), nullable=False),
        sa.Column("street_key_nl", sa.String(length=200), nullable=False),
        sa.Column("house_number", sa.String(length=20), nullable=False),
        sa.Column("postcode", sa.String(length=4), nullable=False),
        sa.Column("commune_nis", sa.String(length=8), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("address", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_address_postcode"), ["postcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_address_street_key_fr"), ["street_key_fr"], unique=False)
        batch_op.create_index(batch_op.f("ix_address_street_key_nl"), ["street_key_nl"], unique=False)

    op.create_table(
        "bassin",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name_fr", sa.String(length=80), nullable=False),
        sa.Column("name_nl", sa.String(length=80), nullable=False),
        sa.Column("confidence", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "geocode_cache",
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("precision", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("query"),
    )
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("name_nl", sa.String(length=200), nullable=False),
        sa.Column("description_fr", sa.Text(), nullable=False),
        sa.Column("description_nl", sa.Text(), nullable=False),
        sa.Column("bce_number", sa.String(length=12), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_id"),
    )
    op.create_table(
        "public",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_nl", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "rate_limit_hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rate_limit_hit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_limit_hit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_rate_limit_hit_key"), ["key"], unique=False)

    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_outbox_service_id"), ["service_id"], unique=False)

    op.create_table(
        "sector",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_nl", sa.String(length=120), nullable=False),
        sa.Column("synonyms", sa.Text(), nullable=False),
        sa.Column("pictogram", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role", sa.Enum("editor", "moderator", "admin", name="role", native_enum=False, length=20), nullable=False
        ),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_user_id"), ["user_id"], unique=False)

    op.create_table(
        "commune",
        sa.Column("nis", sa.String(length=8), nullable=False),
        sa.Column("name_fr", sa.String(length=80), nullable=False),
        sa.Column("name_nl", sa.String(length=80), nullable=False),
        sa.Column("bassin_code", sa.String(length=20), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("geometry", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bassin_code"],
            ["bassin.code"],
        ),
        sa.PrimaryKeyConstraint("nis"),
    )
    op.create_table(
        "login_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("login_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "organization_id"),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_user_id"), ["user_id"], unique=False)

    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("name_nl", sa.String(length=200), nullable=False),
        sa.Column("description_fr", sa.Text(), nullable=False),
        sa.Column("description_nl", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "temporarily_closed", "inactive", name="servicestatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("closed_from", sa.Date(), nullable=True),
        sa.Column("closed_until", sa.Date(), nullable=True),
        sa.Column(
            "cost",
            sa.Enum("free", "reduced", "paid", "unknown", name="cost", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("cost_details_fr", sa.Text(), nullable=False),
        sa.Column("cost_details_nl", sa.Text(), nullable=False),
        sa.Column(
            "access",
            sa.Enum(
                "unconditional",
                "appointment",
                "registration",
                "referral",
                "unknown",
                name="accesscondition",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("access_details_fr", sa.Text(), nullable=False),
        sa.Column("access_details_nl", sa.Text(), nullable=False),
        sa.Column("documents_fr", sa.Text(), nullable=False),
        sa.Column("documents_nl", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("opening_hours", sa.Text(), nullable=True),
        sa.Column("hours_note_fr", sa.Text(), nullable=False),
        sa.Column("hours_note_nl", sa.Text(), nullable=False),
        sa.Column(
            "availability",
            sa.Enum(
                "accepting",
                "waiting_list",
                "full",
                "closed",
                "unknown",
                name="availability",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("availability_delay_days", sa.Integer(), nullable=True),
        sa.Column("availability_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=True),
        sa.Column("source_licence", sa.String(length=200), nullable=False),
        sa.Column("field_provenance", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_id"),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "trusted_organization",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["granted_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organization_id"),
    )
    op.create_table(
        "change_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "approved", "rejected", "superseded", name="changestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("base", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("change_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_request_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_request_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_request_status"), ["status"], unique=False)

    op.create_table(
        "freshness_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("freshness_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_freshness_reminder_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_freshness_reminder_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_freshness_reminder_user_id"), ["user_id"], unique=False)

    op.create_table(
        "merge_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["service.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("merge_candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_merge_candidate_candidate_id"), ["candidate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_merge_candidate_service_id"), ["service_id"], unique=False)

    op.create_table(
        "phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("label_fr", sa.String(length=120), nullable=False),
        sa.Column("label_nl", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("phone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_service_id"), ["service_id"], unique=False)

    op.create_table(
        "postal_code",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("commune_nis", sa.String(length=8), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("bassin_code", sa.String(length=20), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bassin_code"],
            ["bassin.code"],
        ),
        sa.ForeignKeyConstraint(
            ["commune_nis"],
            ["commune.nis"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "problem_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "resolved", "dismissed", name="reportstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["handled_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("problem_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problem_report_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_problem_report_status"), ["status"], unique=False)

    op.create_table(
        "quartier",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name_fr", sa.String(length=120), nullable=False),
        sa.Column("name_nl", sa.String(length=120), nullable=False),
        sa.Column("commune_nis", sa.String(length=8), nullable=True),
        sa.Column("bassin_code", sa.String(length=20), nullable=True),
        sa.Column("bassin_confidence", sa.String(length=40), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("geometry", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bassin_code"],
            ["bassin.code"],
        ),
        sa.ForeignKeyConstraint(
            ["commune_nis"],
            ["commune.nis"],
        ),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "service_public",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("public_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["public_code"],
            ["public.code"],
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "public_code"),
    )
    op.create_table(
        "service_sector",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("sector_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["sector_code"],
            ["sector.code"],
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "sector_code"),
    )
    op.create_table(
        "service_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_id"),
    )
    with op.batch_alter_table("service_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_source_service_id"), ["service_id"], unique=False)

    op.create_table(
        "location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_fr", sa.String(length=200), nullable=False),
        sa.Column("name_nl", sa.String(length=200), nullable=False),
        sa.Column("street_fr", sa.String(length=200), nullable=False),
        sa.Column("street_nl", sa.String(length=200), nullable=False),
        sa.Column("house_number", sa.String(length=20), nullable=False),
        sa.Column("postcode", sa.String(length=4), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("geocode_precision", sa.String(length=20), nullable=True),
        sa.Column("commune_nis", sa.String(length=8), nullable=True),
        sa.Column("quartier_code", sa.String(length=8), nullable=True),
        sa.Column("bassin_code", sa.String(length=20), nullable=True),
        sa.Column("area_to_review", sa.Boolean(), nullable=False),
        sa.Column("area_note", sa.Text(), nullable=False),
        sa.Column(
            "wheelchair",
            sa.Enum("yes", "limited", "no", "unknown", name="accessibility", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("accessibility_note_fr", sa.Text(), nullable=False),
        sa.Column("accessibility_note_nl", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bassin_code"],
            ["bassin.code"],
        ),
        sa.ForeignKeyConstraint(
            ["commune_nis"],
            ["commune.nis"],
        ),
        sa.ForeignKeyConstraint(
            ["quartier_code"],
            ["quartier.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_location_bassin_code"), ["bassin_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_location_commune_nis"), ["commune_nis"], unique=False)
        batch_op.create_index(batch_op.f("ix_location_quartier_code"), ["quartier_code"], unique=False)

    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("change_request_id", sa.Integer(), nullable=True),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["change_request_id"], ["change_request.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "number"),
    )
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revision_service_id"), ["service_id"], unique=False)

    op.create_table(
        "service_at_location",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "location_id"),
    )


def downgrade() -> None:
    op.drop_table("service_at_location")
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revision_service_id"))

    op.drop_table("revision")
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_quartier_code"))
        batch_op.drop_index(batch_op.f("ix_location_commune_nis"))
        batch_op.drop_index(batch_op.f("ix_location_bassin_code"))

    op.drop_table("location")
    with op.batch_alter_table("service_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_source_service_id"))

    op.drop_table("service_source")
    op.drop_table("service_sector")
    op.drop_table("service_public")
    op.drop_table("quartier")
    with op.batch_alter_table("problem_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_report_status"))
        batch_op.drop_index(batch_op.f("ix_problem_report_service_id"))

    op.drop_table("problem_report")
    op.drop_table("postal_code")
    with op.batch_alter_table("phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_service_id"))

    op.drop_table("phone")
    with op.batch_alter_table("merge_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merge_candidate_service_id"))
        batch_op.drop_index(batch_op.f("ix_merge_candidate_candidate_id"))

    op.drop_table("merge_candidate")
    with op.batch_alter_table("freshness_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_freshness_reminder_user_id"))
        batch_op.drop_index(batch_op.f("ix_freshness_reminder_service_id"))
        batch_op.drop_index(batch_op.f("ix_freshness_reminder_sent_at"))

    op.drop_table("freshness_reminder")
    with op.batch_alter_table("change_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_request_status"))
        batch_op.drop_index(batch_op.f("ix_change_request_service_id"))
        batch_op.drop_index(batch_op.f("ix_change_request_author_id"))

    op.drop_table("change_request")
    op.drop_table("trusted_organization")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_organization_id"))

    op.drop_table("service")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_user_id"))
        batch_op.drop_index(batch_op.f("ix_membership_organization_id"))

    op.drop_table("membership")
    with op.batch_alter_table("login_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_token_user_id"))

    op.drop_table("login_token")
    op.drop_table("commune")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("user")
    op.drop_table("sector")
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_outbox_service_id"))

    op.drop_table("search_outbox")
    with op.batch_alter_table("rate_limit_hit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_hit_key"))
        batch_op.drop_index(batch_op.f("ix_rate_limit_hit_at"))

    op.drop_table("rate_limit_hit")
    op.drop_table("public")
    op.drop_table("organization")
    op.drop_table("mail_message")
    op.drop_table("geocode_cache")
    op.drop_table("bassin")
    with op.batch_alter_table("address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_address_street_key_nl"))
        batch_op.drop_index(batch_op.f("ix_address_street_key_fr"))
        batch_op.drop_index(batch_op.f("ix_address_postcode"))

    op.drop_table("address")
