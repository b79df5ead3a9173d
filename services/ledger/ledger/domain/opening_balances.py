"""Opening balances: a post-closing trial balance carried into a new year as one general voucher.

The file comes as JSON (a list of {account_code, debit, credit}), CSV or XLSX (header
account_code,debit,credit[,name]; XLSX: the first sheet). Nothing is carried unless the
whole file is right, and a refusal lists every problem with its row, so the finance officer
can fix the file in one go. Rows are numbered as the user sees them: in CSV/XLSX the header
is row 1 and data starts at row 2; in JSON the first item is row 1.
"""

import csv
import io
import json
from datetime import date
from decimal import Decimal

from ledger.domain.chart import is_account_code
from ledger.domain.errors import InvalidAmount, OpeningBalancesRejected
from ledger.domain.fiscal import fiscal_year_bounds
from ledger.domain.money import CENT, ZERO, format_amount, parse_amount
from ledger.domain.voucher import MAX_LINES, VoucherDraft, VoucherLine, VoucherType

FORMATS = ("json", "csv", "xlsx")
REQUIRED_COLUMNS = ("account_code", "debit", "credit")
# Excel stores computed cells as binary floats (1234.5600000000002); closer than this to
# a whole satang counts as that satang.
FLOAT_TOLERANCE = Decimal("0.000001")


def _problem(row, field: str, problem: str) -> dict:
    return {"row": row, "field": field, "problem": problem}


class _Rejected(Exception):
    def __init__(self, problems):
        self.problems = problems


def _text(content) -> str:
    if isinstance(content, bytes | bytearray):
        try:
            return bytes(content).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise _Rejected([_problem(None, "file", "ไฟล์ต้องเป็นข้อความ UTF-8")]) from err
    return content.lstrip("\ufeff")


def _rows_from_json(content) -> list[tuple[int, dict]]:
    if isinstance(content, str | bytes | bytearray):
        try:
            data = json.loads(_text(content), parse_float=Decimal)
        except (json.JSONDecodeError, ValueError) as err:
            raise _Rejected([_problem(None, "file", "ไฟล์ JSON ไม่ถูกต้อง")]) from err
    else:
        data = content
    if isinstance(data, dict) and isinstance(data.get("lines"), list):
        data = data["lines"]
    if not isinstance(data, list):
        raise _Rejected([_problem(None, "file", "ข้อมูลต้องเป็นรายการ (list) ของยอดคงเหลือ")])
    return [(n, item) for n, item in enumerate(data, start=1)]


def _check_header(header) -> None:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise _Rejected(
            [_problem(1, "header", f"ไม่พบคอลัมน์ {column} ในแถวหัวตาราง") for column in missing]
        )


def _rows_from_csv(content) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(_text(content)))
    header = next(reader, None)
    if header is None:
        raise _Rejected([_problem(None, "file", "ไฟล์ว่าง ไม่มีข้อมูล")])
    _check_header(header)
    names = [h.strip().lower() for h in header]
    rows = []
    for n, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue  # blank lines at the end of an exported sheet
        rows.append((n, dict(zip(names, values, strict=False))))
    return rows


def _rows_from_xlsx(content) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook  # only this format needs it

    try:
        book = load_workbook(io.BytesIO(bytes(content)), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a file that is not xlsx
        raise _Rejected([_problem(None, "file", "ไฟล์ Excel (XLSX) ไม่ถูกต้อง")]) from err
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        if header is None:
            raise _Rejected([_problem(None, "file", "ไฟล์ว่าง ไม่มีข้อมูล")])
        _check_header(header)
        names = [str(h).strip().lower() if h is not None else "" for h in header]
        rows = []
        for n, cells in enumerate(values, start=2):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            rows.append((n, dict(zip(names, cells, strict=False))))
        return rows
    finally:
        book.close()


def _xlsx_cell(value):
    """Excel numbers arrive as int/float; turn them into exact text before the money rules."""
    if isinstance(value, float):
        exact = Decimal(repr(value))
        rounded = exact.quantize(CENT)
        return format_amount(rounded) if abs(exact - rounded) < FLOAT_TOLERANCE else repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _code_text(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a code typed into Excel becomes a number
    return "" if value is None else str(value).strip()


def _amount(value, n, field, problems) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ZERO
    try:
        return parse_amount(value, field=field)
    except InvalidAmount as err:
        problems.append(_problem(n, field, err.details[field]))
        return None


def read_trial_balance(content, fmt: str, chart) -> tuple[list[VoucherLine], list[dict]]:
    """Lines for every acceptable row and the problems found (row, field, Thai text)."""
    if fmt not in FORMATS:
        return [], [_problem(None, "format", "รองรับเฉพาะไฟล์ JSON, CSV หรือ XLSX")]
    try:
        rows = {"json": _rows_from_json, "csv": _rows_from_csv, "xlsx": _rows_from_xlsx}[fmt](
            content
        )
    except _Rejected as rejected:
        return [], rejected.problems

    problems: list[dict] = []
    lines: list[VoucherLine] = []
    first_row_of: dict[str, int] = {}
    total_debit = total_credit = ZERO
    amounts_ok = True
    for n, row in rows:
        if not isinstance(row, dict):
            problems.append(_problem(n, "row", "รูปแบบรายการไม่ถูกต้อง"))
            amounts_ok = False
            continue
        if fmt == "xlsx":
            row = {k: _xlsx_cell(v) for k, v in row.items()}
        code = _code_text(row.get("account_code"))
        account = chart.get(code) if is_account_code(code) else None
        if not code:
            problems.append(_problem(n, "account_code", "ต้องระบุรหัสบัญชี"))
        elif not is_account_code(code):
            problems.append(_problem(n, "account_code", "รหัสบัญชีต้องเป็นตัวเลข 10 หลัก"))
        elif account is None:
            problems.append(_problem(n, "account_code", f"ไม่พบรหัสบัญชี {code} ในผังบัญชี"))
        elif not account.postable:
            problems.append(_problem(n, "account_code", f"รหัสบัญชี {code} เป็นบัญชีคุม บันทึกยอดไม่ได้"))
        elif code in first_row_of:
            problems.append(
                _problem(n, "account_code", f"รหัสบัญชี {code} ซ้ำกับแถวที่ {first_row_of[code]}")
            )
        if is_account_code(code):
            first_row_of.setdefault(code, n)
        debit = _amount(row.get("debit"), n, "debit", problems)
        credit = _amount(row.get("credit"), n, "credit", problems)
        if debit is None or credit is None:
            amounts_ok = False
            continue
        if debit > 0 and credit > 0:
            problems.append(_problem(n, "credit", "ระบุยอดได้ด้านเดียว: เดบิตหรือเครดิตอย่างใดอย่างหนึ่ง"))
            continue
        total_debit += debit
        total_credit += credit
        if debit or credit:  # a zero balance carries nothing
            lines.append(VoucherLine(code, debit, credit, ""))

    if not rows:
        problems.append(_problem(None, "file", "ไม่มีรายการยอดคงเหลือในไฟล์"))
    elif amounts_ok and total_debit != total_credit:
        problems.append(
            _problem(
                None,
                "total",
                f"ยอดรวมเดบิต {format_amount(total_debit)} ไม่เท่ากับ "
                f"ยอดรวมเครดิต {format_amount(total_credit)}",
            )
        )
    elif amounts_ok and not problems and len(lines) < 2:
        problems.append(_problem(None, "file", "ต้องมียอดคงเหลืออย่างน้อย 2 บัญชี"))
    if len(lines) > MAX_LINES:
        problems.append(_problem(None, "file", f"มีรายการได้ไม่เกิน {MAX_LINES} บัญชี"))
    return lines, problems


def opening_balances_voucher(
    content,
    fmt: str,
    chart,
    fiscal_year: int,
    description: str | None = None,
) -> VoucherDraft:
    """A balanced general voucher carrying the file's balances into ``fiscal_year``.

    Dated the first day of that fiscal year (FY 2568 → 2024-10-01). Raises
    OpeningBalancesRejected with every problem when anything is wrong.
    """
    first_day, _ = fiscal_year_bounds(fiscal_year)
    lines, problems = read_trial_balance(content, fmt, chart)
    if problems:
        problems.sort(key=lambda p: (p["row"] is None, p["row"] or 0))
        raise OpeningBalancesRejected(details={"problems": problems})
    text = description or f"ยอดยกมาจากงบทดลองหลังปิดบัญชี ณ {_day_before(first_day)}"
    return VoucherDraft(VoucherType.GJ, first_day, text, tuple(lines))


def _day_before(day: date) -> str:
    return date.fromordinal(day.toordinal() - 1).isoformat()
