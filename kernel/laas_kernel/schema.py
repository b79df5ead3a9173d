"""Tables every service database holds for the messaging kernel: outbox, inbox, dead letters.

A service's first migration calls ``create_kernel_tables``; the tables live beside the
service's own so that state changes and their events commit together.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

kernel_metadata = MetaData()

outbox = Table(
    "outbox",
    kernel_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("source", String(40), nullable=False),
    Column("event_type", String(80), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    # An event nobody is subscribed to yet waits here and is tried again later.
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text),
    Column("published_at", DateTime(timezone=True)),
)
Index(
    "outbox_unpublished",
    outbox.c.next_attempt_at,
    outbox.c.id,
    postgresql_where=outbox.c.published_at.is_(None),
)

inbox = Table(
    "inbox",
    kernel_metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("handler", String(120), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

dead_letters = Table(
    "dead_letters",
    kernel_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("queue", String(255), nullable=False),
    Column("event_type", String(80)),
    Column("payload", JSONB),
    Column("raw_body", Text),
    Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("replayed_at", DateTime(timezone=True)),
)


def create_kernel_tables(op):
    """For a service's first Alembic migration."""
    kernel_metadata.create_all(bind=op.get_bind())


def drop_kernel_tables(op):
    kernel_metadata.drop_all(bind=op.get_bind())
