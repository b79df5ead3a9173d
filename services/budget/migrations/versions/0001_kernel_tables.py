"""The messaging kernel's tables: outbox, inbox, dead letters.

Revision ID: 0001
Revises:
"""

from alembic import op

from laas_kernel.schema import create_kernel_tables, drop_kernel_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_kernel_tables(op)


def downgrade():
    drop_kernel_tables(op)
