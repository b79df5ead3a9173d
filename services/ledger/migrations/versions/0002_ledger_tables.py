"""The ledger's own tables: chart, chain heads, periods, counters, vouchers, lines, balances,
master data; the shipped starter chart as the first chart.

Revision ID: 0002
Revises: 0001
"""

from alembic import op
from sqlalchemy import text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE accounts (
    code varchar(10) PRIMARY KEY,
    name varchar(255) NOT NULL,
    account_class smallint NOT NULL CHECK (account_class BETWEEN 1 AND 5),
    normal_balance varchar(6) NOT NULL CHECK (normal_balance IN ('debit', 'credit')),
    postable boolean NOT NULL,
    parent_code varchar(10),
    source text NOT NULL DEFAULT ''
);

CREATE TABLE chart_meta (
    id smallint PRIMARY KEY CONSTRAINT chart_meta_single_row CHECK (id = 1),
    revision integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text
);

CREATE TABLE ledger_units (
    unit_id varchar(64) PRIMARY KEY,
    last_hash varchar(64) NOT NULL DEFAULT repeat('0', 64),
    last_voucher_id uuid,
    voucher_count bigint NOT NULL DEFAULT 0
);

CREATE TABLE periods (
    unit_id varchar(64) NOT NULL,
    fiscal_year smallint NOT NULL,
    period smallint NOT NULL CONSTRAINT periods_period_range CHECK (period BETWEEN 1 AND 12),
    closed_at timestamptz NOT NULL,
    closed_by text,
    closed_by_name text,
    PRIMARY KEY (unit_id, fiscal_year, period)
);

CREATE TABLE voucher_counters (
    unit_id varchar(64) NOT NULL,
    fiscal_year smallint NOT NULL,
    type varchar(4) NOT NULL,
    last_seq integer NOT NULL,
    PRIMARY KEY (unit_id, fiscal_year, type)
);

CREATE TABLE vouchers (
    id uuid PRIMARY KEY,
    unit_id varchar(64) NOT NULL,
    chain_seq bigint NOT NULL,
    number varchar(20) NOT NULL,
    type varchar(4) NOT NULL,
    date date NOT NULL,
    fiscal_year smallint NOT NULL,
    period smallint NOT NULL,
    description varchar(500) NOT NULL,
    total numeric(15, 2) NOT NULL,
    origin varchar(10) NOT NULL CHECK (origin IN ('post', 'opening', 'reversal')),
    idempotency_key varchar(200),
    content_hash varchar(64) NOT NULL,
    posted_by text NOT NULL,
    posted_by_name text NOT NULL DEFAULT '',
    posted_at timestamptz NOT NULL,
    prev_hash varchar(64) NOT NULL,
    hash varchar(64) NOT NULL,
    reverses_id uuid REFERENCES vouchers (id),
    CONSTRAINT vouchers_unit_number UNIQUE (unit_id, number),
    CONSTRAINT vouchers_unit_idempotency_key UNIQUE (unit_id, idempotency_key),
    CONSTRAINT vouchers_unit_chain_seq UNIQUE (unit_id, chain_seq)
);
CREATE UNIQUE INDEX vouchers_reverses_id ON vouchers (reverses_id) WHERE reverses_id IS NOT NULL;
CREATE UNIQUE INDEX vouchers_one_opening ON vouchers (unit_id, fiscal_year)
    WHERE origin = 'opening';

CREATE TABLE voucher_lines (
    voucher_id uuid NOT NULL REFERENCES vouchers (id),
    line_no smallint NOT NULL,
    unit_id varchar(64) NOT NULL,
    fiscal_year smallint NOT NULL,
    period smallint NOT NULL,
    date date NOT NULL,
    account_code varchar(10) NOT NULL REFERENCES accounts (code),
    debit numeric(15, 2) NOT NULL,
    credit numeric(15, 2) NOT NULL,
    memo varchar(255) NOT NULL DEFAULT '',
    PRIMARY KEY (voucher_id, line_no),
    CONSTRAINT voucher_lines_one_side
        CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0))
);
CREATE INDEX voucher_lines_account ON voucher_lines (unit_id, account_code, fiscal_year, date);

CREATE TABLE balances (
    unit_id varchar(64) NOT NULL,
    fiscal_year smallint NOT NULL,
    period smallint NOT NULL,
    account_code varchar(10) NOT NULL,
    debit_total numeric(18, 2) NOT NULL,
    credit_total numeric(18, 2) NOT NULL,
    PRIMARY KEY (unit_id, fiscal_year, period, account_code)
);

CREATE TABLE master_records (
    id uuid PRIMARY KEY,
    unit_id varchar(64) NOT NULL,
    kind varchar(20) NOT NULL,
    code varchar(50) NOT NULL,
    name varchar(255) NOT NULL,
    account_code varchar(10) REFERENCES accounts (code),
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text,
    CONSTRAINT master_records_unit_kind_code UNIQUE (unit_id, kind, code)
);

-- Posted vouchers are never edited or deleted: a mistake is corrected by a reversal.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'posted vouchers are append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER vouchers_append_only BEFORE UPDATE OR DELETE ON vouchers
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER voucher_lines_append_only BEFORE UPDATE OR DELETE ON voucher_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""

DROP = """
DROP TABLE IF EXISTS master_records, balances, voucher_lines, vouchers, voucher_counters,
    periods, ledger_units, chart_meta, accounts;
DROP FUNCTION IF EXISTS ledger_refuse_change();
"""


def upgrade():
    op.execute(TABLES)
    from ledger.data import starter_chart

    bind = op.get_bind()
    bind.execute(
        text(
            "INSERT INTO accounts (code, name, account_class, normal_balance, postable,"
            " parent_code, source) VALUES (:code, :name, :account_class, :normal_balance,"
            " :postable, :parent_code, :source)"
        ),
        [
            {
                "code": a.code,
                "name": a.name,
                "account_class": a.account_class,
                "normal_balance": a.normal_balance,
                "postable": a.postable,
                "parent_code": a.parent_code,
                "source": a.source,
            }
            for a in starter_chart()
        ],
    )
    bind.execute(text("INSERT INTO chart_meta (id, revision, updated_by) VALUES (1, 1, 'starter')"))


def downgrade():
    op.execute(DROP)
