"""The delivery log (one row per e-mail an event asked for) and in-app notifications.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("template", sa.String(40), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("user_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("message_id", sa.String(255)),
        sa.Column("status", sa.String(10), nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("give_up_at", sa.Integer, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("first_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'dead')",
            name="deliveries_status_known",
        ),
    )
    op.create_index("deliveries_status", "deliveries", ["status", "id"])

    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("event_id", "kind", name="notifications_once_per_event"),
    )
    op.create_index("notifications_of_user", "notifications", ["user_id", "created_at"])


def downgrade():
    op.drop_index("notifications_of_user", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("deliveries_status", table_name="deliveries")
    op.drop_table("deliveries")
