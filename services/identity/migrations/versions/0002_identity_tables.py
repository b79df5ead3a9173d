"""Units, users, activations, sessions, sign-in throttling and the append-only audit log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _timestamp(name, nullable=True, default_now=False):
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=sa.func.now() if default_now else None,
    )


def upgrade():
    op.create_table(
        "units",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("parent_id", sa.String(36), sa.ForeignKey("units.id")),
        sa.Column("province_id", sa.String(40)),
        sa.Column("subtype", sa.String(40)),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("successor_id", sa.String(36), sa.ForeignKey("units.id")),
        _timestamp("created_at", nullable=False, default_now=True),
        _timestamp("changed_at", nullable=False, default_now=True),
        sa.CheckConstraint(
            "kind IN ('department', 'province_office', 'lao', 'subordinate_unit')",
            name="units_kind",
        ),
        sa.CheckConstraint("status IN ('active', 'dissolved', 'merged')", name="units_status"),
    )
    op.create_index("ix_units_parent_id", "units", ["parent_id"])
    # One Department: the root of the tree.
    op.create_index(
        "units_one_department",
        "units",
        ["kind"],
        unique=True,
        postgresql_where=sa.text("kind = 'department'"),
    )

    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("username_key", sa.String(80), nullable=False, unique=True),
        sa.Column("unit_id", sa.String(36), sa.ForeignKey("units.id"), nullable=False),
        sa.Column(
            "groups", sa.ARRAY(sa.String(40)), nullable=False, server_default=sa.text("'{}'")
        ),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("citizen_id", sa.String(13)),
        sa.Column(
            "citizen_id_confirmed", sa.Boolean, nullable=False, server_default=sa.text("false")
        ),
        sa.Column("title", sa.String(40)),
        sa.Column("first_name", sa.Text),
        sa.Column("last_name", sa.Text),
        sa.Column("position", sa.Text),
        sa.Column("phone", sa.String(40)),
        sa.Column("email", sa.String(254)),
        sa.Column("profile_required", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default=sa.text("0")),
        _timestamp("locked_until"),
        _timestamp("last_sign_in_at"),
        _timestamp("created_at", nullable=False, default_now=True),
        sa.Column("created_by", sa.String(36)),
        _timestamp("activated_at"),
        _timestamp("revoked_at"),
        sa.CheckConstraint(
            "status IN ('pending_activation', 'active', 'revoked')", name="users_status"
        ),
    )
    op.create_index("ix_users_unit_id", "users", ["unit_id"])

    op.create_table(
        "activations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("thaid", sa.String(16), nullable=False),
        sa.Column("profile_required", sa.Boolean, nullable=False),
        _timestamp("started_at", nullable=False),
        _timestamp("expires_at", nullable=False),
        sa.Column(
            "steps_done", sa.ARRAY(sa.String(20)), nullable=False, server_default=sa.text("'{}'")
        ),
        sa.Column("identity", JSONB),
        sa.Column("email", sa.String(254)),
        sa.Column("otp", JSONB),
        sa.Column("oidc", JSONB),
        _timestamp("closed_at"),
        sa.Column("closed_reason", sa.String(20)),
    )
    op.create_index("ix_activations_user_id", "activations", ["user_id"])

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("refresh_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("previous_refresh_hash", sa.String(64)),
        _timestamp("created_at", nullable=False, default_now=True),
        _timestamp("refreshed_at"),
        _timestamp("expires_at", nullable=False),
        sa.Column("client_address", sa.String(64)),
        _timestamp("revoked_at"),
        sa.Column("revoked_reason", sa.String(40)),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_previous_refresh_hash", "sessions", ["previous_refresh_hash"])
    op.create_index("ix_sessions_revoked_at", "sessions", ["revoked_at"])

    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column(
            "attempts",
            sa.ARRAY(sa.DateTime(timezone=True)),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        _timestamp("at", nullable=False, default_now=True),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("actor_user_id", sa.String(36)),
        sa.Column("actor_username", sa.String(80)),
        sa.Column("subject_user_id", sa.String(36)),
        sa.Column("unit_id", sa.String(36)),
        sa.Column("client_address", sa.String(64)),
        sa.Column("correlation_id", sa.String(64)),
        sa.Column("details", JSONB, nullable=False, server_default=sa.text("'{}'")),
    )
    op.create_index("audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_subject_user_id", "audit_log", ["subject_user_id"])
    # Append-only: the database itself refuses to change or remove an entry.
    op.execute(
        """
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log")
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("sign_in_throttle")
    op.drop_table("sessions")
    op.drop_table("activations")
    op.drop_table("users")
    op.drop_table("units")
