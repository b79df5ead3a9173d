"""Master data a unit records before its first voucher (guideline 3.3): bank accounts, debtors,
creditors and payees, revenue types and deposits held (เงินรับฝาก).

Each record has a code unique within the unit and kind, a name, optionally the ledger
account it posts to, and a few kind-specific details kept as text.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ledger.domain.chart import is_account_code
from ledger.domain.errors import InvalidMasterRecord, UnknownMasterDataKind

KINDS = {
    "bank_account": "บัญชีเงินฝากธนาคาร",
    "debtor": "ลูกหนี้",
    "creditor": "เจ้าหนี้",
    "payee": "ผู้รับเงิน",
    "revenue_type": "ประเภทรายได้",
    "deposit": "เงินรับฝาก",
}
# Details a kind cannot do without.
REQUIRED_DETAILS = {"bank_account": ("bank_name", "account_number")}
CODE_MAX, NAME_MAX, DETAIL_MAX, DETAILS_MAX = 50, 255, 255, 20
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")


@dataclass(frozen=True)
class MasterRecord:
    kind: str
    code: str
    name: str
    account_code: str | None = None
    details: dict = field(default_factory=dict)


def check_kind(kind) -> str:
    if kind not in KINDS:
        raise UnknownMasterDataKind(details={"kind": str(kind), "kinds": list(KINDS)})
    return kind


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_master_record(kind, body, chart) -> MasterRecord:
    """A record from an API body, or InvalidMasterRecord naming every bad field."""
    check_kind(kind)
    if not isinstance(body, Mapping):
        raise InvalidMasterRecord(details={"body": "รูปแบบข้อมูลไม่ถูกต้อง"})
    problems: dict[str, str] = {}
    code, name = _text(body.get("code")), _text(body.get("name"))
    if not code:
        problems["code"] = "ต้องระบุรหัส"
    elif len(code) > CODE_MAX or not _CODE.match(code):
        problems["code"] = f"รหัสต้องเป็นตัวอักษรอังกฤษหรือตัวเลข ไม่เกิน {CODE_MAX} ตัว"
    if not name:
        problems["name"] = "ต้องระบุชื่อ"
    elif len(name) > NAME_MAX:
        problems["name"] = f"ชื่อยาวเกิน {NAME_MAX} ตัวอักษร"
    account_code = _text(body.get("account_code")) or None
    if account_code is not None:
        account = chart.get(account_code) if is_account_code(account_code) else None
        if account is None:
            problems["account_code"] = "ไม่พบรหัสบัญชีในผังบัญชี"
        elif not account.postable:
            problems["account_code"] = "รหัสบัญชีเป็นบัญชีคุม ไม่สามารถใช้ได้"
    raw_details = body.get("details") or {}
    details: dict[str, str] = {}
    if not isinstance(raw_details, Mapping) or len(raw_details) > DETAILS_MAX:
        problems["details"] = f"รายละเอียดต้องเป็นชุดข้อมูลไม่เกิน {DETAILS_MAX} รายการ"
    else:
        for key, value in raw_details.items():
            if not isinstance(value, str | int) or isinstance(value, bool):
                problems[f"details.{key}"] = "ต้องเป็นข้อความ"
            elif len(str(value)) > DETAIL_MAX:
                problems[f"details.{key}"] = f"ยาวเกิน {DETAIL_MAX} ตัวอักษร"
            else:
                details[str(key)] = str(value).strip()
    for required in REQUIRED_DETAILS.get(kind, ()):
        if not details.get(required) and f"details.{required}" not in problems:
            problems[f"details.{required}"] = "ต้องระบุ"
    if problems:
        raise InvalidMasterRecord(details=problems)
    return MasterRecord(kind, code, name, account_code, details)
