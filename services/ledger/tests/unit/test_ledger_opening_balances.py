import io
import json
from datetime import date
from decimal import Decimal

import pytest
from ledger_unit_support import (
    ACCUMULATED_DEPRECIATION,
    ACCUMULATED_SURPLUS,
    ASSETS_HEADING,
    BANK,
    CASH,
    EQUIPMENT,
    OTHER_PAYABLES,
    small_chart,
)
from openpyxl import Workbook

from ledger.domain.errors import OpeningBalancesRejected
from ledger.domain.opening_balances import opening_balances_voucher
from ledger.domain.voucher import VoucherType, validate_voucher

CHART = small_chart()

GOOD_ROWS = [
    {"account_code": CASH, "debit": "5000.00", "credit": "0"},
    {"account_code": BANK, "debit": "120000.50", "credit": "0"},
    {"account_code": EQUIPMENT, "debit": "45000", "credit": ""},
    {"account_code": ACCUMULATED_DEPRECIATION, "debit": "", "credit": "8250.00"},
    {"account_code": OTHER_PAYABLES, "debit": "0", "credit": "1750.50"},
    {"account_code": ACCUMULATED_SURPLUS, "debit": "0", "credit": "160000.00"},
]


def as_csv(rows, header="account_code,debit,credit,name"):
    out = [header]
    for r in rows:
        out.append(f"{r['account_code']},{r['debit']},{r['credit']},ชื่อ")
    return "\n".join(out) + "\n"


def as_xlsx(rows, header=("account_code", "debit", "credit"), numeric=True):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for r in rows:
        cells = []
        for key in ("account_code", "debit", "credit"):
            value = r[key]
            if numeric and key != "account_code" and value not in ("", None):
                value = float(value)
            cells.append(value if value != "" else None)
        sheet.append(cells)
    book.create_sheet("อื่น").append(["ignored"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rejected(content, fmt):
    with pytest.raises(OpeningBalancesRejected) as err:
        opening_balances_voucher(content, fmt, CHART, 2568)
    assert err.value.code == "opening_balances_invalid"
    return err.value.details["problems"]


@pytest.mark.parametrize(
    "content, fmt",
    [
        (GOOD_ROWS, "json"),
        (json.dumps(GOOD_ROWS), "json"),
        (json.dumps(GOOD_ROWS).encode(), "json"),
        (as_csv(GOOD_ROWS), "csv"),
        (("\ufeff" + as_csv(GOOD_ROWS)).encode("utf-8"), "csv"),
        (as_xlsx(GOOD_ROWS), "xlsx"),
        (as_xlsx(GOOD_ROWS, numeric=False), "xlsx"),
    ],
)
def test_a_balanced_file_becomes_one_general_voucher(content, fmt):
    draft = opening_balances_voucher(content, fmt, CHART, 2568)
    assert draft.type == VoucherType.GJ
    assert draft.date == date(2024, 10, 1)  # first day of FY 2568
    assert "2024-09-30" in draft.description
    assert [line.account_code for line in draft.lines] == [r["account_code"] for r in GOOD_ROWS]
    assert draft.total_debit == draft.total_credit == Decimal("170000.50")
    assert validate_voucher(draft, CHART) == draft


def test_zero_rows_are_left_out_and_a_description_can_be_given():
    rows = GOOD_ROWS + [{"account_code": "5104010104", "debit": "0", "credit": "0"}]
    draft = opening_balances_voucher(rows, "json", CHART, 2569, description="ยกมา")
    assert len(draft.lines) == len(GOOD_ROWS)
    assert draft.description == "ยกมา" and draft.date == date(2025, 10, 1)


def test_json_numbers_are_read_exactly():
    text = (
        '[{"account_code": "1101010101", "debit": 1250.5, "credit": 0},'
        ' {"account_code": "3102010101", "debit": 0, "credit": 1250.50}]'
    )
    draft = opening_balances_voucher(text, "json", CHART, 2568)
    assert draft.total == Decimal("1250.50")


def test_every_problem_is_listed_by_row():
    rows = [
        {"account_code": CASH, "debit": "100", "credit": "0"},  # 1 fine
        {"account_code": "9999999999", "debit": "1", "credit": "0"},  # 2 unknown
        {"account_code": ASSETS_HEADING, "debit": "1", "credit": "0"},  # 3 heading
        {"account_code": "12", "debit": "1", "credit": "0"},  # 4 not 10 digits
        {"account_code": BANK, "debit": "1.005", "credit": "0"},  # 5 three places
        {"account_code": EQUIPMENT, "debit": "5", "credit": "5"},  # 6 both sides
        {"account_code": CASH, "debit": "1", "credit": "0"},  # 7 duplicate
        {"account_code": "", "debit": "-3", "credit": "0"},  # 8 no code, negative
    ]
    problems = rejected(rows, "json")
    found = {(p["row"], p["field"]) for p in problems}
    assert found == {
        (2, "account_code"),
        (3, "account_code"),
        (4, "account_code"),
        (5, "debit"),
        (6, "credit"),
        (7, "account_code"),
        (8, "account_code"),
        (8, "debit"),
    }
    assert all(isinstance(p["problem"], str) and p["problem"] for p in problems)
    assert [p["row"] for p in problems] == sorted(p["row"] for p in problems)


def test_unbalanced_file_is_refused_with_both_totals():
    rows = [dict(r) for r in GOOD_ROWS]
    rows[0]["debit"] = "5000.01"
    problems = rejected(rows, "json")
    assert len(problems) == 1
    assert problems[0]["row"] is None and problems[0]["field"] == "total"
    assert "170000.51" in problems[0]["problem"] and "170000.50" in problems[0]["problem"]


def test_unbalanced_and_row_problems_are_reported_together():
    rows = [dict(r) for r in GOOD_ROWS]
    rows[0]["debit"] = "5000.01"
    rows[1]["account_code"] = "9999999999"
    fields = {(p["row"], p["field"]) for p in rejected(rows, "json")}
    assert fields == {(2, "account_code"), (None, "total")}


def test_csv_rows_are_numbered_as_in_the_spreadsheet():
    rows = [dict(r) for r in GOOD_ROWS]
    rows[2]["account_code"] = "9999999999"
    problems = rejected(as_csv(rows), "csv")
    assert (4, "account_code") in {(p["row"], p["field"]) for p in problems}


def test_xlsx_rows_are_numbered_as_in_the_spreadsheet_and_floats_checked():
    rows = [dict(r) for r in GOOD_ROWS]
    rows[3]["credit"] = "8250.001"
    problems = rejected(as_xlsx(rows), "xlsx")
    assert {(p["row"], p["field"]) for p in problems} == {(5, "credit")}


def test_xlsx_float_noise_from_formulas_is_a_whole_satang():
    rows = [
        {"account_code": CASH, "debit": 0.1 + 0.2, "credit": None},
        {"account_code": ACCUMULATED_SURPLUS, "debit": None, "credit": 0.3},
    ]
    book = Workbook()
    book.active.append(["account_code", "debit", "credit"])
    for r in rows:
        book.active.append([int(r["account_code"]), r["debit"], r["credit"]])
    buffer = io.BytesIO()
    book.save(buffer)
    draft = opening_balances_voucher(buffer.getvalue(), "xlsx", CHART, 2568)
    assert draft.total == Decimal("0.30")


def test_missing_columns_are_named():
    problems = rejected("account_code,amount\n1101010101,5\n", "csv")
    assert {p["problem"].split()[1] for p in problems} == {"debit", "credit"}
    assert all(p["row"] == 1 for p in problems)


@pytest.mark.parametrize(
    "content, fmt",
    [
        ("", "csv"),
        ("account_code,debit,credit\n", "csv"),
        ("[]", "json"),
        ("{not json", "json"),
        ('{"a": 1}', "json"),
        (b"not an xlsx", "xlsx"),
        (b"\xff\xfe\x00", "csv"),
        ("x", "pdf"),
    ],
)
def test_empty_or_broken_files_are_refused(content, fmt):
    problems = rejected(content, fmt)
    assert problems and all(p["problem"] for p in problems)


def test_a_single_nonzero_account_is_not_a_trial_balance():
    rows = [{"account_code": CASH, "debit": "0", "credit": "0"}]
    assert rejected(rows, "json")[0]["field"] == "file"


def test_non_mapping_json_item():
    problems = rejected([GOOD_ROWS[0], "x"], "json")
    assert problems[0]["row"] == 2
