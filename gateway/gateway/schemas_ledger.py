"""Marshmallow schemas of the ledger routes, and the gateway's own ledger refusals.

Voucher amounts are taken as they come (``Raw``): the ledger's money rules judge them, so a
float or a third decimal place is refused as ``invalid_voucher`` with a Thai message naming
the line, the same way in a single posting and in a batch.
"""

from marshmallow import Schema, fields, validate

from laas_kernel.errors import DomainError

IDEMPOTENCY_HEADER = "Idempotency-Key"
KEY_MAX = 200
MONEY = {"type": "string", "example": "1250.50", "description": "two decimal places"}


class IdempotencyKeyRequired(DomainError):
    code = "idempotency_key_required"
    message = "ต้องระบุรหัสป้องกันการส่งซ้ำ (Idempotency-Key) สำหรับการบันทึกใบผ่านรายการ"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    message = "ไฟล์หรือข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    message = "รองรับเฉพาะข้อมูล JSON หรือไฟล์ CSV / XLSX"


class VoucherLine(Schema):
    account_code = fields.Raw(required=True, metadata={"type": "string", "example": "1101010101"})
    debit = fields.Raw(load_default="0", metadata=MONEY)
    credit = fields.Raw(load_default="0", metadata=MONEY)
    memo = fields.Raw(load_default="", metadata={"type": "string"})


class VoucherBody(Schema):
    type = fields.Raw(
        required=True, metadata={"type": "string", "enum": ["GJ", "RV", "PV", "AP", "PAWN"]}
    )
    date = fields.Raw(required=True, metadata={"type": "string", "format": "date"})
    description = fields.Raw(required=True, metadata={"type": "string"})
    lines = fields.List(fields.Nested(VoucherLine), required=True)


class BatchItem(VoucherBody):
    idempotency_key = fields.String(required=True, validate=validate.Length(min=1, max=KEY_MAX))


class BatchBody(Schema):
    vouchers = fields.List(
        fields.Nested(BatchItem), required=True, validate=validate.Length(min=1, max=1000)
    )


class PostedLine(Schema):
    account_code = fields.String()
    debit = fields.String(metadata=MONEY)
    credit = fields.String(metadata=MONEY)
    memo = fields.String()


class Voucher(Schema):
    id = fields.String()
    unit_id = fields.String()
    number = fields.String(metadata={"example": "RV-2568-000123"})
    type = fields.String()
    date = fields.Date()
    fiscal_year = fields.Integer(metadata={"example": 2568})
    period = fields.Integer()
    description = fields.String()
    lines = fields.List(fields.Nested(PostedLine))
    total = fields.String(metadata=MONEY)
    origin = fields.String(metadata={"enum": ["post", "opening", "reversal"]})
    posted_by = fields.String()
    posted_by_name = fields.String()
    posted_at = fields.DateTime()
    hash = fields.String()
    previous_hash = fields.String()
    reverses_id = fields.String(allow_none=True)
    reversed_by_id = fields.String(allow_none=True)


class VoucherList(Schema):
    vouchers = fields.List(fields.Nested(Voucher))
    next_offset = fields.Integer(allow_none=True)


class BatchError(Schema):
    code = fields.String()
    message = fields.String()
    details = fields.Dict()


class BatchResult(Schema):
    idempotency_key = fields.String()
    status = fields.Integer(metadata={"example": 201})
    voucher = fields.Nested(Voucher)
    error = fields.Nested(BatchError)


class BatchAnswer(Schema):
    results = fields.List(fields.Nested(BatchResult))


class ReverseBody(Schema):
    date = fields.Date(load_default=None)
    description = fields.String(load_default=None, validate=validate.Length(max=500))


class VoucherQuery(Schema):
    fiscal_year = fields.Integer(load_default=None)
    type = fields.String(
        load_default=None, validate=validate.OneOf(["GJ", "RV", "PV", "AP", "PAWN"])
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ReportQuery(Schema):
    fiscal_year = fields.Integer(required=True, metadata={"example": 2568})
    period = fields.Integer(load_default=None, metadata={"description": "1 = October … 12"})


class FiscalYearQuery(Schema):
    fiscal_year = fields.Integer(required=True, metadata={"example": 2568})


class TrialBalanceLine(Schema):
    account_code = fields.String()
    name = fields.String()
    debit = fields.String(metadata=MONEY)
    credit = fields.String(metadata=MONEY)


class TrialBalance(Schema):
    unit_id = fields.String()
    fiscal_year = fields.Integer()
    period = fields.Integer(allow_none=True)
    as_of = fields.Date()
    lines = fields.List(fields.Nested(TrialBalanceLine))
    total_debit = fields.String(metadata=MONEY)
    total_credit = fields.String(metadata=MONEY)


class LedgerEntry(Schema):
    date = fields.Date()
    voucher_id = fields.String()
    voucher_number = fields.String()
    description = fields.String()
    memo = fields.String()
    debit = fields.String(metadata=MONEY)
    credit = fields.String(metadata=MONEY)
    balance = fields.String(metadata=MONEY)


class AccountLedger(Schema):
    unit_id = fields.String()
    account_code = fields.String()
    name = fields.String()
    fiscal_year = fields.Integer()
    normal_balance = fields.String()
    opening_balance = fields.String(metadata=MONEY)
    entries = fields.List(fields.Nested(LedgerEntry))
    total_debit = fields.String(metadata=MONEY)
    total_credit = fields.String(metadata=MONEY)
    closing_balance = fields.String(metadata=MONEY)


class ClosePeriodBody(Schema):
    fiscal_year = fields.Integer(required=True, strict=True, metadata={"example": 2568})
    period = fields.Integer(required=True, strict=True, metadata={"example": 1})


class LedgerPeriod(Schema):
    fiscal_year = fields.Integer()
    period = fields.Integer()
    status = fields.String(metadata={"enum": ["open", "closed"]})
    closed_at = fields.DateTime(allow_none=True)
    closed_by = fields.String(allow_none=True)


class LedgerPeriods(Schema):
    fiscal_year = fields.Integer()
    periods = fields.List(fields.Nested(LedgerPeriod))


class OpeningLine(Schema):
    account_code = fields.Raw(required=True, metadata={"type": "string"})
    debit = fields.Raw(load_default="0", metadata=MONEY)
    credit = fields.Raw(load_default="0", metadata=MONEY)
    name = fields.Raw(load_default=None, metadata={"type": "string"})


class OpeningBalancesBody(Schema):
    """JSON form; CSV (text/csv) and XLSX bodies or a multipart ``file`` are taken too,
    with ``fiscal_year`` in the query string (or a form field)."""

    fiscal_year = fields.Integer(required=True, strict=True, metadata={"example": 2568})
    description = fields.String(load_default=None)
    lines = fields.List(fields.Nested(OpeningLine), required=True)


class OpeningBalancesFile(Schema):
    """The fields sent beside a CSV/XLSX file (query string or multipart form)."""

    fiscal_year = fields.Integer(required=True, metadata={"example": 2568})
    description = fields.String(load_default=None)


class ChartAccount(Schema):
    code = fields.String(metadata={"example": "1101010101"})
    name = fields.String(metadata={"example": "เงินสด"})
    # "class" is a Python keyword: the attribute differs from the JSON name.
    account_class = fields.Integer(data_key="class")
    normal_balance = fields.String(metadata={"enum": ["debit", "credit"]})
    postable = fields.Boolean()
    parent_code = fields.String(allow_none=True)


class ChartImport(Schema):
    revision = fields.Integer()
    accounts = fields.Integer()
    added = fields.Integer()
    updated = fields.Integer()
    removed = fields.Integer()


class MasterRecordBody(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    account_code = fields.String(load_default=None, allow_none=True)
    details = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)


class MasterRecord(MasterRecordBody):
    id = fields.String()
    unit_id = fields.String()
    kind = fields.String()
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)


class MasterRecords(Schema):
    kind = fields.String()
    records = fields.List(fields.Nested(MasterRecord))


class ChainCheck(Schema):
    unit_id = fields.String()
    vouchers = fields.Integer()
    ok = fields.Boolean()
    problems = fields.List(fields.Dict())
