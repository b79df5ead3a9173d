"""Vouchers (ใบผ่านรายการ): the only way money enters the books.

A voucher is a dated, described set of lines; each line debits or credits one postable
account, and the debits equal the credits. This module checks a draft against those rules,
numbers posted vouchers, fingerprints their content for idempotent retries and links each
posted voucher to the unit's previous one with a hash chain so later edits show.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from ledger.domain.chart import is_account_code
from ledger.domain.errors import (
    AccountNotPostable,
    IdempotencyConflict,
    InvalidAmount,
    InvalidVoucher,
    PeriodClosed,
    UnknownAccount,
    VoucherUnbalanced,
)
from ledger.domain.fiscal import check_fiscal_year, fiscal_year_of, period_of
from ledger.domain.money import ZERO, format_amount, parse_amount


class VoucherType(StrEnum):
    GJ = "GJ"
    RV = "RV"
    PV = "PV"
    AP = "AP"
    PAWN = "PAWN"

    @property
    def thai_name(self) -> str:
        return THAI_NAMES[self]


THAI_NAMES = {
    VoucherType.GJ: "ใบผ่านรายการบัญชีทั่วไป",
    VoucherType.RV: "ใบผ่านรายการรับ",
    VoucherType.PV: "ใบผ่านรายการจ่าย",
    VoucherType.AP: "ใบผ่านรายการตั้งหนี้",
    VoucherType.PAWN: "ใบผ่านรายการเงินจำนำ",
}

MIN_LINES = 2
MAX_LINES = 500
DESCRIPTION_MAX = 500
MEMO_MAX = 255
MIN_YEAR = 1900
# A CE year above this is almost surely a BE year typed into a CE field (2568 for 2025).
MAX_YEAR = 2399
SEQ_MAX = 999_999

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NUMBER = re.compile(r"^(GJ|RV|PV|AP|PAWN)-([0-9]{4})-([0-9]{6})$")


@dataclass(frozen=True)
class VoucherLine:
    account_code: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    memo: str = ""

    def as_dict(self) -> dict:
        return {
            "account_code": self.account_code,
            "debit": format_amount(self.debit),
            "credit": format_amount(self.credit),
            "memo": self.memo or "",
        }


@dataclass(frozen=True)
class VoucherDraft:
    type: str
    date: date
    description: str
    lines: tuple[VoucherLine, ...]

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return self.total_debit

    @property
    def fiscal_year(self) -> int:
        return fiscal_year_of(self.date)

    @property
    def period(self) -> int:
        return period_of(self.date)

    def as_dict(self) -> dict:
        return {
            "type": str(self.type),
            "date": self.date.isoformat(),
            "description": self.description,
            "lines": [line.as_dict() for line in self.lines],
            "total": format_amount(self.total),
        }


# --- field rules: each returns a Thai problem or None -------------------------------


def _type_problem(value) -> str | None:
    if not isinstance(value, str) or value not in VoucherType.__members__:
        return "ประเภทใบผ่านรายการต้องเป็น GJ, RV, PV, AP หรือ PAWN"
    return None


def _parse_date(value) -> tuple[date | None, str | None]:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        if not _ISO_DATE.match(value.strip()):
            return None, "วันที่ต้องอยู่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2024-10-01"
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return None, "วันที่ไม่มีอยู่จริงในปฏิทิน"
    if not isinstance(value, date):
        return None, "ต้องระบุวันที่"
    if value.year > MAX_YEAR:
        return None, "ปีของวันที่ต้องเป็น ค.ศ. (พ.ศ. ลบ 543) เช่น 2024-10-01"
    if value.year < MIN_YEAR:
        return None, "วันที่อยู่นอกช่วงที่ระบบรองรับ"
    return value, None


def _description_problem(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "ต้องระบุคำอธิบายรายการ"
    if len(value.strip()) > DESCRIPTION_MAX:
        return f"คำอธิบายรายการยาวเกิน {DESCRIPTION_MAX} ตัวอักษร"
    return None


def _memo_problem(value) -> str | None:
    if value is not None and not isinstance(value, str):
        return "หมายเหตุต้องเป็นข้อความ"
    if value and len(value.strip()) > MEMO_MAX:
        return f"หมายเหตุยาวเกิน {MEMO_MAX} ตัวอักษร"
    return None


def _sides_problem(debit: Decimal, credit: Decimal) -> str | None:
    if debit > 0 and credit > 0:
        return "แต่ละรายการต้องมีจำนวนเงินด้านเดบิตหรือด้านเครดิตเพียงด้านเดียว"
    if debit <= 0 and credit <= 0:
        return "แต่ละรายการต้องมีจำนวนเงินด้านเดบิตหรือด้านเครดิตมากกว่าศูนย์"
    return None


def _lines_count_problem(count: int) -> str | None:
    if count < MIN_LINES:
        return f"ใบผ่านรายการต้องมีอย่างน้อย {MIN_LINES} รายการ"
    if count > MAX_LINES:
        return f"ใบผ่านรายการมีได้ไม่เกิน {MAX_LINES} รายการ"
    return None


def _amount(value, field: str, problems: dict) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ZERO  # a side left blank is zero
    try:
        return parse_amount(value, field=field)
    except InvalidAmount as err:
        problems.update(err.details)
        return None


# --- parsing and validation --------------------------------------------------------


def parse_voucher(payload: Mapping) -> VoucherDraft:
    """Turn an API body into a VoucherDraft, or raise InvalidVoucher naming every bad field.

    Checks shape only (type, date, description, line count, amounts, one side per line);
    the chart, the balance and the period are ``validate_voucher``'s business.
    """
    if not isinstance(payload, Mapping):
        raise InvalidVoucher(details={"voucher": "รูปแบบข้อมูลใบผ่านรายการไม่ถูกต้อง"})
    problems: dict[str, str] = {}
    kind = payload.get("type")
    if problem := _type_problem(kind):
        problems["type"] = problem
    day, problem = _parse_date(payload.get("date"))
    if problem:
        problems["date"] = problem
    description = payload.get("description")
    if problem := _description_problem(description):
        problems["description"] = problem
    raw_lines = payload.get("lines")
    lines: list[VoucherLine] = []
    if not isinstance(raw_lines, list | tuple):
        problems["lines"] = "ต้องระบุรายการบัญชี"
        raw_lines = []
    elif problem := _lines_count_problem(len(raw_lines)):
        problems["lines"] = problem
    for i, raw in enumerate(raw_lines[: MAX_LINES + 1]):
        at = f"lines[{i}]"
        if isinstance(raw, VoucherLine):
            raw = raw.as_dict()
        if not isinstance(raw, Mapping):
            problems[at] = "รูปแบบรายการไม่ถูกต้อง"
            continue
        code = raw.get("account_code")
        if not isinstance(code, str) or not code.strip():
            problems[f"{at}.account_code"] = "ต้องระบุรหัสบัญชี"
        debit = _amount(raw.get("debit"), f"{at}.debit", problems)
        credit = _amount(raw.get("credit"), f"{at}.credit", problems)
        memo = raw.get("memo")
        if problem := _memo_problem(memo):
            problems[f"{at}.memo"] = problem
        if debit is not None and credit is not None:
            if problem := _sides_problem(debit, credit):
                problems[at] = problem
        if not any(k.startswith(at) for k in problems):
            lines.append(VoucherLine(code.strip(), debit, credit, (memo or "").strip()))
    if problems:
        raise InvalidVoucher(details=problems)
    return VoucherDraft(VoucherType(kind), day, description.strip(), tuple(lines))


def _draft_problems(draft: VoucherDraft) -> dict[str, str]:
    """The shape rules again, for drafts built in code rather than parsed."""
    problems: dict[str, str] = {}
    if problem := _type_problem(draft.type):
        problems["type"] = problem
    _, problem = _parse_date(draft.date)
    if problem:
        problems["date"] = problem
    if problem := _description_problem(draft.description):
        problems["description"] = problem
    if problem := _lines_count_problem(len(draft.lines)):
        problems["lines"] = problem
    for i, line in enumerate(draft.lines):
        at = f"lines[{i}]"
        if not isinstance(line.account_code, str) or not line.account_code:
            problems[f"{at}.account_code"] = "ต้องระบุรหัสบัญชี"
        amounts_ok = True
        for side in ("debit", "credit"):
            try:
                parse_amount(getattr(line, side), field=f"{at}.{side}")
            except InvalidAmount as err:
                problems.update(err.details)
                amounts_ok = False
        if amounts_ok and (problem := _sides_problem(line.debit, line.credit)):
            problems[at] = problem
        if problem := _memo_problem(line.memo):
            problems[f"{at}.memo"] = problem
    return problems


def validate_voucher(
    draft,
    chart,
    is_period_open: Callable[[date], bool] | None = None,
) -> VoucherDraft:
    """Check a draft (or an API body) for posting; return the normalised draft.

    In order: shape (InvalidVoucher, every bad field), accounts missing from the chart
    (UnknownAccount, every code), heading accounts (AccountNotPostable), debits against
    credits (VoucherUnbalanced, both totals), and, when given, whether the date's
    period is still open (PeriodClosed).
    """
    if not isinstance(draft, VoucherDraft):
        draft = parse_voucher(draft)
    elif problems := _draft_problems(draft):
        raise InvalidVoucher(details=problems)
    else:  # built in code: normalise as parsing would
        draft = parse_voucher({**draft.as_dict(), "lines": list(draft.lines)})

    codes = list(dict.fromkeys(line.account_code for line in draft.lines))
    unknown = [c for c in codes if not is_account_code(c) or chart.get(c) is None]
    if unknown:
        raise UnknownAccount(details={"account_codes": unknown})
    headings = [c for c in codes if not chart.get(c).postable]
    if headings:
        raise AccountNotPostable(details={"account_codes": headings})

    if draft.total_debit != draft.total_credit:
        raise VoucherUnbalanced(
            details={
                "total_debit": format_amount(draft.total_debit),
                "total_credit": format_amount(draft.total_credit),
                "difference": format_amount(abs(draft.total_debit - draft.total_credit)),
            }
        )
    if is_period_open is not None and not is_period_open(draft.date):
        raise PeriodClosed(
            details={"fiscal_year": draft.fiscal_year, "period": draft.period},
        )
    return draft


# --- numbering ----------------------------------------------------------------------


def voucher_number(voucher_type, fiscal_year: int, seq: int) -> str:
    """The voucher's number within its unit, type and fiscal year: "RV-2568-000123"."""
    kind = VoucherType(voucher_type)
    check_fiscal_year(fiscal_year)
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= SEQ_MAX:
        raise ValueError(f"sequence must be 1..{SEQ_MAX}, got {seq!r}")
    return f"{kind.value}-{fiscal_year}-{seq:06d}"


def parse_voucher_number(number: str) -> tuple[VoucherType, int, int]:
    match = _NUMBER.match(number) if isinstance(number, str) else None
    if not match:
        raise ValueError(f"not a voucher number: {number!r}")
    return VoucherType(match[1]), int(match[2]), int(match[3])


# --- fingerprints and the chain -----------------------------------------------------


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _sha256(obj) -> str:
    return hashlib.sha256(_canonical(obj)).hexdigest()


def content_hash(draft) -> str:
    """sha256 of the voucher's content in canonical form (amounts as "10.00").

    The same content spelled differently ("10" and "10.00", padded description) hashes the
    same, so a retried posting with the same Idempotency-Key can be told from a new one.
    """
    if not isinstance(draft, VoucherDraft):
        draft = parse_voucher(draft)
    body = draft.as_dict()
    del body["total"]  # derived from the lines
    return _sha256(body)


def check_idempotent_retry(stored_content_hash: str, draft) -> None:
    """Allow a retry with the same key only if its content is the same."""
    if content_hash(draft) != stored_content_hash:
        raise IdempotencyConflict()


GENESIS_HASH = "0" * 64
CHAIN_FIELDS = (
    "number",
    "date",
    "type",
    "description",
    "lines",
    "total",
    "posted_by",
    "posted_at",
)


def _moment(value) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _line_fields(line) -> dict:
    if isinstance(line, VoucherLine):
        line = line.as_dict()
    return {
        "account_code": str(line["account_code"]),
        "debit": format_amount(parse_amount(line.get("debit") or "0")),
        "credit": format_amount(parse_amount(line.get("credit") or "0")),
        "memo": line.get("memo") or "",
    }


def chain_hash(previous_hash: str | None, fields: Mapping) -> str:
    """sha256 linking a posted voucher to the unit's previous one.

    ``fields`` must hold every name in CHAIN_FIELDS (number, date, type, description,
    lines, total, posted_by, posted_at); the unit's first voucher links to GENESIS_HASH.
    """
    body = {
        "previous_hash": previous_hash or GENESIS_HASH,
        "number": str(fields["number"]),
        "date": _moment(fields["date"]),
        "type": str(fields["type"]),
        "description": str(fields["description"]),
        "lines": [_line_fields(line) for line in fields["lines"]],
        "total": format_amount(parse_amount(fields["total"])),
        "posted_by": str(fields["posted_by"]),
        "posted_at": _moment(fields["posted_at"]),
    }
    return _sha256(body)


def verify_chain(vouchers: Iterable[Mapping], previous_hash: str | None = None) -> list[int]:
    """Positions (0-based) of vouchers whose link or content no longer matches its hash.

    Each voucher carries CHAIN_FIELDS plus "previous_hash" and "hash", in posting order.
    ``previous_hash`` is the hash before the first one given (genesis by default).
    """
    broken = []
    expected_previous = previous_hash or GENESIS_HASH
    for position, voucher in enumerate(vouchers):
        stored_previous = voucher.get("previous_hash") or GENESIS_HASH
        try:
            recomputed = chain_hash(stored_previous, voucher)
        except (KeyError, TypeError, AttributeError, InvalidAmount):
            recomputed = None
        if stored_previous != expected_previous or recomputed != voucher.get("hash"):
            broken.append(position)
        expected_previous = voucher.get("hash")
    return broken


# --- reversal -----------------------------------------------------------------------


def reversing_lines(lines: Iterable[VoucherLine]) -> tuple[VoucherLine, ...]:
    """The same lines with debit and credit swapped: posting both nets every account to 0."""
    return tuple(
        VoucherLine(line.account_code, line.credit, line.debit, line.memo) for line in lines
    )


def reversing_draft(original: VoucherDraft, on: date, number: str | None = None) -> VoucherDraft:
    """A draft that undoes ``original``, dated ``on``, of the same type."""
    label = f"กลับรายการ {number}" if number else "กลับรายการ"
    description = f"{label}: {original.description}"[:DESCRIPTION_MAX]
    return VoucherDraft(original.type, on, description, reversing_lines(original.lines))
