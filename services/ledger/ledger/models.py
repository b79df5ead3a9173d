"""The ledger service's tables (its own database; the kernel adds outbox, inbox, dead_letters).

The migrations in ``migrations/versions`` are hand-written and are what creates them; these
definitions document the schema and let tests and tools build queries.

Posted vouchers and their lines are append-only (a trigger refuses UPDATE and DELETE): a
reversal is a new voucher whose ``reverses_id`` points at the original, and "reversed by" is
read back through the unique index on that column, so no posted row is ever touched again.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


metadata = Base.metadata

UNIT_ID = String(64)  # identity's unit id, kept as text: the ledger does not own units
# An amount on a line, as the money rules allow (< 10^13 baht).
MONEY = Numeric(15, 2)
# Running totals of many lines need more room than one amount.
TOTAL = Numeric(18, 2)
GENESIS = "0" * 64

accounts = Table(
    "accounts",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("account_class", SmallInteger, nullable=False),
    Column("normal_balance", String(6), nullable=False),
    Column("postable", Boolean, nullable=False),
    Column("parent_code", String(10)),
    Column("source", Text, nullable=False, server_default=""),
)

# One row: bumped whenever the chart changes, so every process knows its cached copy is stale.
chart_meta = Table(
    "chart_meta",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_by", Text),
    CheckConstraint("id = 1", name="chart_meta_single_row"),
)

# The head of each unit's hash chain. Posting locks it (FOR UPDATE): that serialises the
# unit's postings, which keeps numbering gapless and the chain linear, while different
# units post in parallel.
ledger_units = Table(
    "ledger_units",
    metadata,
    Column("unit_id", UNIT_ID, primary_key=True),
    Column("last_hash", String(64), nullable=False, server_default=GENESIS),
    Column("last_voucher_id", Uuid),
    Column("voucher_count", BigInteger, nullable=False, server_default=text("0")),
)

# A row per closed period; a period without one is open.
periods = Table(
    "periods",
    metadata,
    Column("unit_id", UNIT_ID, nullable=False),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("period", SmallInteger, nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=False),
    Column("closed_by", Text),
    Column("closed_by_name", Text),
    PrimaryKeyConstraint("unit_id", "fiscal_year", "period"),
    CheckConstraint("period BETWEEN 1 AND 12", name="periods_period_range"),
)

voucher_counters = Table(
    "voucher_counters",
    metadata,
    Column("unit_id", UNIT_ID, nullable=False),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("type", String(4), nullable=False),
    Column("last_seq", Integer, nullable=False),
    PrimaryKeyConstraint("unit_id", "fiscal_year", "type"),
)

vouchers = Table(
    "vouchers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("unit_id", UNIT_ID, nullable=False),
    Column("chain_seq", BigInteger, nullable=False),  # position in the unit's chain
    Column("number", String(20), nullable=False),
    Column("type", String(4), nullable=False),
    Column("date", Date, nullable=False),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("period", SmallInteger, nullable=False),
    Column("description", String(500), nullable=False),
    Column("total", MONEY, nullable=False),
    Column("origin", String(10), nullable=False),  # post | opening | reversal
    Column("idempotency_key", String(200)),
    Column("content_hash", String(64), nullable=False),
    Column("posted_by", Text, nullable=False),
    Column("posted_by_name", Text, nullable=False, server_default=""),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("reverses_id", Uuid, ForeignKey("vouchers.id")),
    UniqueConstraint("unit_id", "number", name="vouchers_unit_number"),
    UniqueConstraint("unit_id", "idempotency_key", name="vouchers_unit_idempotency_key"),
    UniqueConstraint("unit_id", "chain_seq", name="vouchers_unit_chain_seq"),
)
# One reversal per voucher; also how "reversed by" is found without updating the original.
Index(
    "vouchers_reverses_id",
    vouchers.c.reverses_id,
    unique=True,
    postgresql_where=vouchers.c.reverses_id.isnot(None),
)
# One opening-balance voucher per unit and fiscal year.
Index(
    "vouchers_one_opening",
    vouchers.c.unit_id,
    vouchers.c.fiscal_year,
    unique=True,
    postgresql_where=vouchers.c.origin == "opening",
)

voucher_lines = Table(
    "voucher_lines",
    metadata,
    Column("voucher_id", Uuid, ForeignKey("vouchers.id"), nullable=False),
    Column("line_no", SmallInteger, nullable=False),
    # Copied from the header so an account's ledger is one index range scan.
    Column("unit_id", UNIT_ID, nullable=False),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("period", SmallInteger, nullable=False),
    Column("date", Date, nullable=False),
    Column("account_code", String(10), ForeignKey("accounts.code"), nullable=False),
    Column("debit", MONEY, nullable=False),
    Column("credit", MONEY, nullable=False),
    Column("memo", String(255), nullable=False, server_default=""),
    PrimaryKeyConstraint("voucher_id", "line_no"),
    CheckConstraint(
        "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)", name="voucher_lines_one_side"
    ),
)
Index(
    "voucher_lines_account",
    voucher_lines.c.unit_id,
    voucher_lines.c.account_code,
    voucher_lines.c.fiscal_year,
    voucher_lines.c.date,
)

# Debit and credit totals per unit, fiscal year, period and account, kept as vouchers post.
balances = Table(
    "balances",
    metadata,
    Column("unit_id", UNIT_ID, nullable=False),
    Column("fiscal_year", SmallInteger, nullable=False),
    Column("period", SmallInteger, nullable=False),
    Column("account_code", String(10), nullable=False),
    Column("debit_total", TOTAL, nullable=False),
    Column("credit_total", TOTAL, nullable=False),
    PrimaryKeyConstraint("unit_id", "fiscal_year", "period", "account_code"),
)

# Master data per unit: bank accounts, debtors, creditors and payees, revenue types,
# deposits held. One table, told apart by ``kind``.
master_records = Table(
    "master_records",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("unit_id", UNIT_ID, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("code", String(50), nullable=False),
    Column("name", String(255), nullable=False),
    Column("account_code", String(10), ForeignKey("accounts.code")),
    Column("details", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_by", Text),
    UniqueConstraint("unit_id", "kind", "code", name="master_records_unit_kind_code"),
)
