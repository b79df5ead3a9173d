"""The ledger's refusals: a stable code and a Thai message for the finance officer.

Intended HTTP statuses (the gateway maps the code): invalid_voucher, voucher_unbalanced,
unknown_account, account_not_postable, invalid_period, invalid_chart and
opening_balances_invalid are 422; period_closed and idempotency_conflict are 409.
"""

from laas_kernel.errors import DomainError


class InvalidVoucher(DomainError):
    """details: {field: problem}, e.g. {"lines[0].debit": "..."}."""

    code = "invalid_voucher"
    message = "ข้อมูลใบผ่านรายการไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง"


class InvalidAmount(InvalidVoucher):
    """A money value that is not a plain amount with at most two decimal places."""

    message = "จำนวนเงินไม่ถูกต้อง กรุณาระบุตัวเลขทศนิยมไม่เกิน 2 ตำแหน่ง"


class VoucherUnbalanced(DomainError):
    """details: {"total_debit", "total_credit", "difference"} as money strings."""

    code = "voucher_unbalanced"
    message = "ยอดรวมเดบิตและยอดรวมเครดิตไม่เท่ากัน"


class UnknownAccount(DomainError):
    """details: {"account_codes": [...]}, every code not in the chart."""

    code = "unknown_account"
    message = "ไม่พบรหัสบัญชีในผังบัญชี"


class AccountNotPostable(DomainError):
    """details: {"account_codes": [...]}, heading accounts used on a line."""

    code = "account_not_postable"
    message = "รหัสบัญชีเป็นบัญชีคุม (หัวบัญชี) ไม่สามารถบันทึกรายการได้"


class InvalidPeriod(DomainError):
    code = "invalid_period"
    message = "ปีงบประมาณหรืองวดบัญชีไม่ถูกต้อง"


class PeriodClosed(DomainError):
    """details: {"fiscal_year", "period"}."""

    code = "period_closed"
    message = "งวดบัญชีนี้ปิดแล้ว ไม่สามารถบันทึกรายการในงวดนี้ได้"


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    message = "รหัสป้องกันการส่งซ้ำ (Idempotency-Key) นี้ถูกใช้กับใบผ่านรายการที่มีข้อมูลต่างกันแล้ว"


class InvalidChart(DomainError):
    """details: {"problems": [{"row", "field", "problem"}, ...]}."""

    code = "invalid_chart"
    message = "ผังบัญชีไม่ถูกต้อง กรุณาตรวจสอบรายการที่แจ้ง"


class OpeningBalancesRejected(DomainError):
    """details: {"problems": [{"row", "field", "problem"}, ...]}, every problem found."""

    code = "opening_balances_invalid"
    message = "ไม่สามารถนำเข้ายอดยกมาได้ กรุณาแก้ไขรายการที่แจ้งแล้วนำเข้าใหม่"


class VoucherNotFound(DomainError):
    code = "voucher_not_found"
    message = "ไม่พบใบผ่านรายการที่ต้องการ"


class VoucherAlreadyReversed(DomainError):
    """details: {"voucher_id", "reversed_by_id"}."""

    code = "voucher_already_reversed"
    message = "ใบผ่านรายการนี้ถูกกลับรายการแล้ว"


class PeriodCloseOrder(DomainError):
    """details: {"open_periods": [[fiscal_year, period], ...]} that must be closed first."""

    code = "period_close_order"
    message = "ต้องปิดงวดบัญชีก่อนหน้าให้ครบก่อน จึงจะปิดงวดนี้ได้"


class OpeningBalancesExist(DomainError):
    """details: {"voucher_id", "number"} of the opening voucher already carried in."""

    code = "opening_balances_exist"
    message = "ได้นำเข้ายอดยกมาของปีงบประมาณนี้แล้ว หากต้องการแก้ไขให้กลับรายการเดิมก่อน"


class UnknownMasterDataKind(DomainError):
    code = "master_data_kind_unknown"
    message = "ไม่พบประเภทข้อมูลหลักที่ต้องการ"


class MasterRecordExists(DomainError):
    code = "master_record_exists"
    message = "มีรหัสนี้ในข้อมูลหลักของหน่วยงานแล้ว"


class InvalidMasterRecord(DomainError):
    """details: {field: problem}."""

    code = "invalid_master_record"
    message = "ข้อมูลหลักไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง"


class IdempotencyKeyRequired(DomainError):
    code = "idempotency_key_required"
    message = "ต้องระบุรหัสป้องกันการส่งซ้ำ (Idempotency-Key) สำหรับการบันทึกใบผ่านรายการ"
