"""The chart of accounts: 10-digit codes whose first digit is the class.

Classes: 1 assets, 2 liabilities, 3 equity, 4 revenue, 5 expenses. Heading accounts
(บัญชีคุม) group others and take no postings. The chart is data: the starter one ships in
``ledger/data/chart_of_accounts.csv`` and an official chart can replace it through
``load_chart``, which checks every row and reports every problem at once.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ledger.domain.errors import InvalidChart

CLASS_NAMES = {1: "สินทรัพย์", 2: "หนี้สิน", 3: "ส่วนทุน", 4: "รายได้", 5: "ค่าใช้จ่าย"}
DEBIT, CREDIT = "debit", "credit"
# The normal side by class; contra accounts (e.g. accumulated depreciation) still follow
# their class here, since reports put each balance on whichever side it falls.
NORMAL_BALANCE = {1: DEBIT, 2: CREDIT, 3: CREDIT, 4: CREDIT, 5: DEBIT}
NAME_MAX = 255

_CODE = re.compile(r"^[0-9]{10}$")
_YES = {"yes", "y", "true", "1", "postable"}
_NO = {"no", "n", "false", "0", "heading"}


def is_account_code(code) -> bool:
    return isinstance(code, str) and bool(_CODE.match(code))


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    account_class: int
    normal_balance: str
    postable: bool
    parent_code: str | None = None
    source: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "class": self.account_class,
            "normal_balance": self.normal_balance,
            "postable": self.postable,
            "parent_code": self.parent_code,
        }


class Chart:
    """An immutable set of accounts keyed by code, in code order."""

    def __init__(self, accounts: Iterable[Account]):
        self._accounts = {a.code: a for a in sorted(accounts, key=lambda a: a.code)}

    def get(self, code) -> Account | None:
        return self._accounts.get(code) if isinstance(code, str) else None

    def __contains__(self, code) -> bool:
        return self.get(code) is not None

    def __iter__(self) -> Iterator[Account]:
        return iter(self._accounts.values())

    def __len__(self) -> int:
        return len(self._accounts)

    def postable(self) -> list[Account]:
        return [a for a in self if a.postable]

    def name_of(self, code) -> str:
        account = self.get(code)
        return account.name if account else ""


def _problem(row: int, field: str, problem: str) -> dict:
    return {"row": row, "field": field, "problem": problem}


def _clean(value) -> str:
    return "" if value is None else str(value).strip()


def _parse_row(n: int, row: Mapping, problems: list) -> Account | None:
    before = len(problems)
    code = _clean(row.get("code"))
    name = _clean(row.get("name") or row.get("name_th"))
    klass_text = _clean(row.get("class"))
    if not is_account_code(code):
        problems.append(_problem(n, "code", "รหัสบัญชีต้องเป็นตัวเลข 10 หลัก"))
    if not name:
        problems.append(_problem(n, "name", "ต้องระบุชื่อบัญชี"))
    elif len(name) > NAME_MAX:
        problems.append(_problem(n, "name", f"ชื่อบัญชียาวเกิน {NAME_MAX} ตัวอักษร"))
    klass = int(klass_text) if klass_text.isascii() and klass_text.isdigit() else None
    if klass not in CLASS_NAMES:
        problems.append(_problem(n, "class", "หมวดบัญชีต้องเป็น 1 ถึง 5"))
    elif is_account_code(code) and int(code[0]) != klass:
        problems.append(_problem(n, "class", "หมวดบัญชีไม่ตรงกับเลขหลักแรกของรหัสบัญชี"))
    postable_text = _clean(row.get("postable")).lower() or "yes"
    if postable_text not in _YES | _NO:
        problems.append(_problem(n, "postable", "ช่อง postable ต้องเป็น yes หรือ no"))
    normal = _clean(row.get("normal_balance")).lower()
    if normal and normal not in (DEBIT, CREDIT):
        problems.append(_problem(n, "normal_balance", "ด้านปกติต้องเป็น debit หรือ credit"))
    parent = _clean(row.get("parent_code")) or None
    if parent is not None and not is_account_code(parent):
        problems.append(_problem(n, "parent_code", "รหัสบัญชีคุมต้องเป็นตัวเลข 10 หลัก"))
    if len(problems) > before:
        return None
    return Account(
        code=code,
        name=name,
        account_class=klass,
        normal_balance=normal or NORMAL_BALANCE[klass],
        postable=postable_text in _YES,
        parent_code=parent,
        source=_clean(row.get("source")),
    )


def load_chart(rows) -> Chart:
    """Build a Chart from CSV text or from row mappings (code, name, class[, postable,
    normal_balance, parent_code, source]).

    Rows are numbered as a spreadsheet shows them: the header is row 1, data from row 2.
    Raises InvalidChart listing every problem: bad code, class not matching the first
    digit, duplicate codes, missing names, parents that are missing or postable.
    """
    if isinstance(rows, bytes):
        rows = rows.decode("utf-8-sig")
    if isinstance(rows, str):
        rows = list(csv.DictReader(io.StringIO(rows.lstrip("\ufeff"))))
    problems: list[dict] = []
    accounts: dict[str, tuple[int, Account]] = {}
    for n, row in enumerate(rows, start=2):
        if not isinstance(row, Mapping):
            problems.append(_problem(n, "row", "รูปแบบรายการไม่ถูกต้อง"))
            continue
        account = _parse_row(n, row, problems)
        if account is None:
            continue
        if account.code in accounts:
            first = accounts[account.code][0]
            problems.append(_problem(n, "code", f"รหัสบัญชีซ้ำกับแถวที่ {first}"))
            continue
        accounts[account.code] = (n, account)
    for n, account in accounts.values():
        if account.parent_code is None:
            continue
        parent = accounts.get(account.parent_code)
        if parent is None:
            problems.append(_problem(n, "parent_code", "ไม่พบบัญชีคุมในผังบัญชี"))
        elif parent[1].postable:
            problems.append(_problem(n, "parent_code", "บัญชีคุมต้องเป็นหัวบัญชี ไม่ใช่บัญชีย่อย"))
    if not accounts and not problems:
        problems.append(_problem(1, "file", "ไม่มีรายการบัญชี"))
    if problems:
        raise InvalidChart(details={"problems": sorted(problems, key=lambda p: p["row"])})
    return Chart(a for _, a in accounts.values())
